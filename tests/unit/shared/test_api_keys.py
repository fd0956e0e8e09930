"""API keys as plain data: the text a key is issued as, reading it back, its state over time and its successor.
Storing, finding, revoking and rotating keys in a database is tested in tests/integration/security."""

from datetime import UTC, datetime, timedelta

import pytest

from shared.auth.keys import (
    KEY_TEXT,
    ApiKey,
    StoredKey,
    issue_key,
    secret_hash,
    split_key,
    successor,
)
from shared.auth.roles import Role

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def a_key(**overrides: object) -> ApiKey:
    fields: dict[str, object] = {"id": "0123456789abcdef", "name": "web-form", "roles": frozenset({Role.FRONTEND}),
                                 "tenant": "acme", "created_at": NOW}
    return ApiKey(**{**fields, **overrides})  # type: ignore[arg-type]


def test_an_issued_key_reads_back_as_its_id_and_secret_and_only_its_hash_is_kept():
    issued = issue_key(name=" web-form ", roles=frozenset({Role.FRONTEND}), tenant="acme",
                       queues=frozenset({"billing"}), now=NOW)
    key_id, secret = split_key(issued.text)
    assert KEY_TEXT.match(issued.text) and issued.text.startswith(f"rdk_{key_id}_")
    assert key_id == issued.key.id and len(secret) == 43
    assert issued.secret_sha256 == secret_hash(secret) and secret not in issued.secret_sha256
    assert (issued.key.name, issued.key.tenant, issued.key.created_at) == ("web-form", "acme", NOW)
    stored = StoredKey(issued.key, issued.secret_sha256)
    assert stored.matches(secret) and not stored.matches(secret[:-1] + ("A" if secret[-1] != "A" else "B"))


def test_every_issued_key_is_new():
    texts = {issue_key(name="k", roles=frozenset({Role.AGENT}), tenant="default").text for _ in range(50)}
    assert len(texts) == 50 and len({split_key(text)[0] for text in texts}) == 50


@pytest.mark.parametrize("text", ["", "rdk_0123_secret", "rdk_0123456789ABCDEF_" + "a" * 43,
                                  "xyz_0123456789abcdef_" + "a" * 43, "rdk_0123456789abcdef_" + "a" * 42,
                                  "rdk_0123456789abcdef_" + "a" * 42 + "!", "Bearer rdk_0123456789abcdef_" + "a" * 43])
def test_text_without_a_key_s_shape_is_refused_with_the_shape_it_should_have(text: str):
    with pytest.raises(ValueError, match=r"rdk_<16 hex digits>_<43 characters>"):
        split_key(text)


def test_surrounding_spaces_of_a_pasted_key_are_forgiven():
    issued = issue_key(name="k", roles=frozenset({Role.AGENT}), tenant="default")
    assert split_key(f"  {issued.text}\n") == split_key(issued.text)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"roles": frozenset()}, "at least one role"),
    ({"name": "  "}, "needs a name"),
    ({"expires_at": NOW}, "future"),
    ({"expires_at": NOW - timedelta(seconds=1)}, "future"),
])
def test_a_key_needs_a_role_a_name_and_an_expiry_still_to_come(overrides: dict[str, object], message: str):
    options: dict[str, object] = {"name": "k", "roles": frozenset({Role.AGENT}), "tenant": "default", "now": NOW,
                                  **overrides}
    with pytest.raises(ValueError, match=message):
        issue_key(**options)  # type: ignore[arg-type]


def test_a_key_is_active_until_it_expires_and_revoked_from_its_revocation_on():
    expiring = a_key(expires_at=NOW + timedelta(hours=1))
    assert expiring.state(NOW) == "active"
    assert expiring.state(NOW + timedelta(minutes=59)) == "active"
    assert expiring.state(NOW + timedelta(hours=1)) == "expired"
    assert a_key().state(NOW + timedelta(days=3650)) == "active"
    revoked = a_key(expires_at=NOW - timedelta(hours=1), revoked_at=NOW - timedelta(hours=2))
    assert revoked.state(NOW) == "revoked"  # revocation says more than expiry


def test_a_key_speaks_for_its_holder_with_its_roles_tenant_and_queues():
    key = a_key(roles=frozenset({Role.AGENT, Role.SUPERVISOR}), queues=frozenset({"billing"}))
    principal = key.principal()
    assert (principal.subject, principal.roles, principal.tenant, principal.queues, principal.via,
            principal.key_id) == ("web-form", key.roles, "acme", key.queues, "api-key", key.id)


def test_a_successor_has_the_old_key_s_holder_roles_tenant_and_queues_and_its_own_text():
    old = a_key(roles=frozenset({Role.PARTNER}), queues=frozenset({"vip"}), expires_at=NOW + timedelta(days=1))
    new = successor(old, now=NOW)
    assert (new.key.name, new.key.roles, new.key.tenant, new.key.queues) == (old.name, old.roles, old.tenant,
                                                                             old.queues)
    assert new.key.id != old.id and new.key.created_at == NOW
    assert new.key.expires_at is None and new.key.replaced_by is None
    assert successor(old, expires_in=timedelta(days=90), now=NOW).key.expires_at == NOW + timedelta(days=90)
