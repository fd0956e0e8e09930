import ipaddress

import pytest

from services.intake.domain import CallbackPolicy, CallbackUrlRefused, check_callback_addresses, check_callback_url
from services.intake.settings import IntakeSettings

STRICT = CallbackPolicy()


@pytest.mark.parametrize("url", ["https://app.example.com/hook", "https://93.184.215.14/hook",
                                 "https://[2606:4700::1111]/hook"])
def test_public_https_urls_pass(url):
    check_callback_url(url, policy=STRICT)


@pytest.mark.parametrize("url", ["http://app.example.com/hook", "https://10.1.2.3/", "https://192.168.0.9/",
                                 "https://[::1]/", "https://[fe80::1]/", "https://100.64.0.1/", "https://0.0.0.0/",
                                 "https://app.localhost/", "https://224.0.0.1/", "https://[::ffff:127.0.0.1]/"])
def test_plain_http_and_non_public_addresses_are_refused(url):
    with pytest.raises(CallbackUrlRefused):
        check_callback_url(url, policy=STRICT)


def test_an_allowed_network_may_be_reached_and_only_that_one():
    policy = CallbackPolicy(allowed_networks=(ipaddress.ip_network("10.20.0.0/16"),), require_https=False)
    check_callback_url("http://10.20.3.4:8080/hook", policy=policy)
    with pytest.raises(CallbackUrlRefused, match=r"10\.21\.0\.1"):
        check_callback_url("http://10.21.0.1/hook", policy=policy)


def test_host_patterns_match_whole_names_case_blind():
    policy = IntakeSettings(callback_url_allowed_hosts=["*.Example.com", "hooks.partner.cn."]).callback_policy()
    check_callback_url("https://APP.example.com/x", policy=policy)
    check_callback_url("https://hooks.partner.cn/x", policy=policy)
    for url in ("https://example.com.evil.net/x", "https://evil.net/?h=app.example.com", "https://partner.cn/"):
        with pytest.raises(CallbackUrlRefused):
            check_callback_url(url, policy=policy)


def test_a_public_name_resolving_to_a_private_address_is_refused():
    with pytest.raises(CallbackUrlRefused, match=r"192\.168\.1\.1"):
        check_callback_addresses("app.example.com", [ipaddress.ip_address("93.184.215.14"),
                                                     ipaddress.ip_address("192.168.1.1")], policy=STRICT)


def test_settings_refuse_an_empty_host_pattern():
    with pytest.raises(ValueError, match="cannot be empty"):
        IntakeSettings(callback_url_allowed_hosts=[" "])
