"""Staff bearer tokens with a configured PEM key: what is accepted, why the rest is refused, and the claims that
become a Principal. The JWKS key source is covered in tests/integration/security/test_jwks.py."""

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pydantic import ValidationError

from shared.auth.principal import Principal
from shared.auth.roles import Role
from shared.auth.tokens import InvalidToken, TokenVerifier
from shared.settings import ServiceSettings

ISSUER = "https://id.redress.example/realms/staff"


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(private_key: Any) -> str:
    return private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def a_token(private_key: Any, *, algorithm: str = "RS256", without: tuple[str, ...] = (), **claims: Any) -> str:
    now = int(time.time())
    defaults = {"sub": "agent-7", "iss": ISSUER, "iat": now, "exp": now + 300, "roles": ["agent"]}
    payload = {**{k: v for k, v in defaults.items() if k not in without}, **claims}
    return jwt.encode(payload, private_key, algorithm=algorithm)


def a_verifier(private_key: Any, **settings: Any) -> TokenVerifier:
    return TokenVerifier.from_settings(ServiceSettings(auth_jwt_public_key=public_pem(private_key), **settings))


async def refusal(verifier: TokenVerifier, token: str) -> str:
    """Why `verifier` refuses `token`; the reason never repeats the token or any part of it."""
    with pytest.raises(InvalidToken) as refused:
        await verifier.principal(token)
    reason = str(refused.value)
    assert all(part not in reason for part in token.split(".") if len(part) > 8), reason
    return reason


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


async def test_a_good_token_speaks_for_its_subject(signing_key):
    token = a_token(signing_key, roles=["supervisor", "agent"], tenant="acme", queues=["billing", "fraud"])
    principal = await a_verifier(signing_key, auth_jwt_issuer=ISSUER).principal(token)
    assert principal == Principal(subject="agent-7", roles=frozenset({Role.SUPERVISOR, Role.AGENT}), tenant="acme",
                                  via="token", queues=frozenset({"billing", "fraud"}))


async def test_without_a_key_source_tokens_are_not_accepted(signing_key):
    verifier = TokenVerifier.from_settings(ServiceSettings())
    assert not verifier.configured
    assert "not accepted by this service" in await refusal(verifier, a_token(signing_key))


async def test_an_expired_token_is_refused_but_the_leeway_forgives_a_slow_clock(signing_key):
    now = int(time.time())
    verifier = a_verifier(signing_key, auth_jwt_leeway_s=30)
    assert "expired" in await refusal(verifier, a_token(signing_key, iat=now - 600, exp=now - 60))
    assert (await verifier.principal(a_token(signing_key, iat=now - 600, exp=now - 10))).subject == "agent-7"


async def test_a_token_not_valid_yet_is_refused(signing_key):
    now = int(time.time())
    assert "not valid yet" in await refusal(a_verifier(signing_key), a_token(signing_key, nbf=now + 120))
    assert "not valid yet" in await refusal(a_verifier(signing_key), a_token(signing_key, iat=now + 120))


async def test_a_token_without_expiry_is_refused(signing_key):
    assert "no exp claim" in await refusal(a_verifier(signing_key), a_token(signing_key, without=("exp",)))


async def test_the_issuer_is_checked_when_configured(signing_key):
    verifier = a_verifier(signing_key, auth_jwt_issuer=ISSUER)
    assert f"iss must be {ISSUER}" in await refusal(verifier, a_token(signing_key, iss="https://evil.example"))
    assert "no iss claim" in await refusal(verifier, a_token(signing_key, without=("iss",)))


async def test_the_audience_is_checked_when_configured_and_ignored_otherwise(signing_key):
    token = a_token(signing_key, aud=["account", "redress-routing"])
    assert (await a_verifier(signing_key).principal(token)).subject == "agent-7"
    assert (await a_verifier(signing_key, auth_jwt_audience="redress-routing").principal(token)).subject == "agent-7"
    reason = await refusal(a_verifier(signing_key, auth_jwt_audience="redress-intake"), token)
    assert "not meant for this service" in reason and "redress-intake" in reason
    assert "no aud claim" in await refusal(a_verifier(signing_key, auth_jwt_audience="redress-intake"),
                                           a_token(signing_key))


async def test_a_token_signed_with_another_key_is_refused(signing_key, other_key):
    assert "signature does not verify" in await refusal(a_verifier(signing_key), a_token(other_key))


async def test_a_tampered_payload_is_refused(signing_key):
    header, payload, signature = a_token(signing_key).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = b64url(json.dumps({**claims, "roles": ["admin"]}).encode())
    reason = await refusal(a_verifier(signing_key), f"{header}.{forged}.{signature}")
    assert "signature does not verify" in reason


async def test_an_unsigned_token_is_refused(signing_key):
    unsigned = a_token(None, algorithm="none")
    assert "algorithm is not accepted; accepted: RS256" in await refusal(a_verifier(signing_key), unsigned)


async def test_the_public_key_cannot_serve_as_an_hmac_secret(signing_key):
    """The classic confusion attack: HS256 "signed" with the verifier's own public key as the secret."""
    now = int(time.time())
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps({"sub": "mallory", "roles": ["admin"], "iat": now, "exp": now + 300}).encode())
    mac = hmac.new(public_pem(signing_key).encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    reason = await refusal(a_verifier(signing_key), f"{header}.{payload}.{b64url(mac)}")
    assert "algorithm is not accepted" in reason


@pytest.mark.parametrize("token", ["", "not-a-token", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.e30"])
async def test_a_malformed_token_is_refused(signing_key, token):
    assert "malformed" in await refusal(a_verifier(signing_key), token)


@pytest.mark.parametrize("subject", [None, ""])
async def test_a_token_needs_a_subject(signing_key, subject):
    token = a_token(signing_key, without=("sub",)) if subject is None else a_token(signing_key, sub=subject)
    assert "no subject (sub claim)" in await refusal(a_verifier(signing_key), token)


@pytest.mark.parametrize(("claim_name", "claims"), [
    ("roles", {"roles": ["agent", "supervisor"]}),
    ("roles", {"roles": "agent supervisor"}),
    ("scope", {"scope": "openid agent profile supervisor"}),
    ("realm_access.roles", {"realm_access": {"roles": ["agent", "supervisor", "offline_access"]}}),
    ("resource_access.redress.roles", {"resource_access": {"redress": {"roles": ["supervisor", "agent"]}}}),
    ("https://redress.example/roles", {"https://redress.example/roles": ["agent", "supervisor"]}),
])
async def test_roles_come_from_the_configured_claim(signing_key, claim_name, claims):
    verifier = a_verifier(signing_key, auth_jwt_roles_claim=claim_name)
    principal = await verifier.principal(a_token(signing_key, without=("roles",), **claims))
    assert principal.roles == {Role.AGENT, Role.SUPERVISOR}


async def test_names_that_are_not_redress_roles_are_left_out(signing_key):
    token = a_token(signing_key, roles=["agent", "offline_access", "uma_authorization", "Admin", "default-roles"])
    assert (await a_verifier(signing_key).principal(token)).roles == {Role.AGENT}


async def test_a_token_without_roles_has_none(signing_key):
    assert (await a_verifier(signing_key).principal(a_token(signing_key, without=("roles",)))).roles == frozenset()


async def test_a_roles_claim_of_another_shape_is_refused(signing_key):
    reason = await refusal(a_verifier(signing_key), a_token(signing_key, roles={"agent": True}))
    assert "roles claim must be a list of names or a space-separated string" in reason


async def test_tenant_and_queues_come_from_their_claims_with_defaults(signing_key):
    plain = await a_verifier(signing_key).principal(a_token(signing_key))
    assert (plain.tenant, plain.queues, plain.via) == ("default", frozenset(), "token")
    verifier = a_verifier(signing_key, auth_jwt_tenant_claim="org.id", auth_jwt_queues_claim="org.queues")
    custom = await verifier.principal(a_token(signing_key, org={"id": "acme-eu", "queues": "billing fraud"}))
    assert (custom.tenant, custom.queues) == ("acme-eu", {"billing", "fraud"})


@pytest.mark.parametrize("tenant", ["ACME", "acme corp", "", 42, "x" * 65])
async def test_a_tenant_that_is_not_a_tenant_name_is_refused(signing_key, tenant):
    assert "tenant claim is not a tenant name" in await refusal(a_verifier(signing_key),
                                                                a_token(signing_key, tenant=tenant))


async def test_other_asymmetric_algorithms_can_be_configured():
    key = ec.generate_private_key(ec.SECP256R1())
    verifier = a_verifier(key, auth_jwt_algorithms="ES256")
    assert (await verifier.principal(a_token(key, algorithm="ES256"))).subject == "agent-7"


# Settings

@pytest.mark.parametrize("algorithms", ["none", "RS256,HS256", "hs512", ""])
def test_settings_refuse_symmetric_and_missing_algorithms(algorithms):
    with pytest.raises(ValidationError, match=r"never with a shared secret|at least one"):
        ServiceSettings(auth_jwt_algorithms=algorithms)


def test_settings_refuse_an_unknown_algorithm():
    with pytest.raises(ValidationError, match="unknown signing algorithm RS257"):
        ServiceSettings(auth_jwt_algorithms="RS256, RS257")


def test_settings_refuse_a_pem_that_is_not_a_public_key(signing_key):
    private_pem = signing_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()).decode()
    for text in ("-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----", private_pem):
        with pytest.raises(ValidationError, match="not a PEM public key"):
            ServiceSettings(auth_jwt_public_key=text)


def test_settings_refuse_a_key_that_cannot_verify_the_algorithms(signing_key):
    with pytest.raises(ValidationError, match="cannot verify ES256"):
        ServiceSettings(auth_jwt_public_key=public_pem(signing_key), auth_jwt_algorithms="RS256,ES256")


def test_settings_take_one_key_source(signing_key):
    with pytest.raises(ValidationError, match="not both"):
        ServiceSettings(auth_jwt_public_key=public_pem(signing_key), auth_jwt_jwks_url="https://id.example/certs")
    with pytest.raises(ValidationError, match="http:// or https://"):
        ServiceSettings(auth_jwt_jwks_url="file:///etc/passwd")


async def test_settings_read_a_one_line_pem_and_treat_blank_values_as_unset(signing_key):
    one_line = public_pem(signing_key).replace("\n", "\\n")
    settings = ServiceSettings(auth_jwt_public_key=one_line, auth_jwt_jwks_url=" ", auth_jwt_issuer="")
    assert (settings.auth_jwt_jwks_url, settings.auth_jwt_issuer) == (None, None)
    assert (await TokenVerifier.from_settings(settings).principal(a_token(signing_key))).subject == "agent-7"
