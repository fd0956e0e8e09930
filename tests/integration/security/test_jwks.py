"""Staff tokens checked against an identity provider's JWKS document served over real HTTP: keys are fetched and
cached, a rotated key is picked up by its new kid, and a provider that does not answer is a clear refusal."""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Response
from jwt.algorithms import RSAAlgorithm

from shared.auth.roles import Role
from shared.auth.tokens import InvalidToken, KeysUnavailable, TokenVerifier
from shared.broker import free_port
from shared.settings import ServiceSettings
from tests.support import serving, unique

ISSUER = "https://id.redress.example/realms/staff"


@dataclass
class IdentityProvider:
    """Signs tokens with its current key and publishes the public halves of the keys it names in `published`."""

    keys: dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)
    published: list[str] = field(default_factory=list)
    fetches: int = 0

    def rotate(self) -> str:
        kid = unique("kid-")
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.published.append(kid)
        return kid

    def jwks(self) -> dict[str, Any]:
        self.fetches += 1
        return {"keys": [{**RSAAlgorithm.to_jwk(self.keys[kid].public_key(), as_dict=True),
                          "kid": kid, "alg": "RS256", "use": "sig"} for kid in self.published]}

    def token(self, kid: str, **claims: Any) -> str:
        now = int(time.time())
        payload = {"sub": "supervisor-3", "iss": ISSUER, "iat": now, "exp": now + 300,
                   "realm_access": {"roles": ["supervisor", "offline_access"]}, **claims}
        return jwt.encode(payload, self.keys[kid], algorithm="RS256", headers={"kid": kid})


@contextlib.asynccontextmanager
async def publishing(provider: IdentityProvider) -> AsyncIterator[str]:
    """The provider's JWKS on a real HTTP server; yields its URL."""
    app = FastAPI()
    app.get("/realms/staff/protocol/openid-connect/certs")(provider.jwks)
    async with serving(app) as base_url:
        yield f"{base_url}/realms/staff/protocol/openid-connect/certs"


def verifier_for(jwks_url: str, **options: Any) -> TokenVerifier:
    settings = ServiceSettings(auth_jwt_jwks_url=jwks_url, auth_jwt_issuer=ISSUER,
                               auth_jwt_roles_claim="realm_access.roles")
    return TokenVerifier.from_settings(settings, **options)


async def test_a_token_verifies_against_the_published_keys_which_are_fetched_once():
    provider = IdentityProvider()
    kid = provider.rotate()
    async with publishing(provider) as jwks_url:
        verifier = verifier_for(jwks_url)
        assert verifier.configured
        first = await verifier.principal(provider.token(kid))
        second = await verifier.principal(provider.token(kid, sub="supervisor-4"))
    assert (first.subject, first.roles, first.via) == ("supervisor-3", {Role.SUPERVISOR}, "token")
    assert second.subject == "supervisor-4"
    assert provider.fetches == 1


async def test_after_a_key_rotation_tokens_with_the_new_kid_verify():
    provider = IdentityProvider()
    old_kid = provider.rotate()
    async with publishing(provider) as jwks_url:
        verifier = verifier_for(jwks_url, jwks_cooldown_s=0)
        assert (await verifier.principal(provider.token(old_kid))).subject == "supervisor-3"
        new_kid = provider.rotate()
        provider.published.remove(old_kid)
        assert (await verifier.principal(provider.token(new_kid, sub="supervisor-9"))).subject == "supervisor-9"
        assert provider.fetches == 2


async def test_a_kid_the_issuer_never_published_is_refused():
    provider = IdentityProvider()
    provider.rotate()
    stranger = IdentityProvider()
    stray_kid = stranger.rotate()
    async with publishing(provider) as jwks_url:
        with pytest.raises(InvalidToken, match="not among the keys its issuer publishes") as refused:
            await verifier_for(jwks_url, jwks_cooldown_s=0).principal(stranger.token(stray_kid))
    assert not isinstance(refused.value, KeysUnavailable)


async def test_a_token_without_a_kid_is_refused():
    provider = IdentityProvider()
    kid = provider.rotate()
    token = jwt.encode({"sub": "x", "exp": int(time.time()) + 60}, provider.keys[kid], algorithm="RS256")
    async with publishing(provider) as jwks_url:
        with pytest.raises(InvalidToken, match="names no signing key"):
            await verifier_for(jwks_url).principal(token)
    assert provider.fetches == 0


async def test_a_jwks_url_where_nothing_listens_is_a_clear_refusal():
    provider = IdentityProvider()
    kid = provider.rotate()
    verifier = verifier_for(f"http://127.0.0.1:{free_port()}/certs")
    with pytest.raises(KeysUnavailable, match="signing keys could not be fetched; try again later"):
        await verifier.principal(provider.token(kid))


async def test_a_jwks_url_that_never_answers_is_a_clear_refusal_after_the_timeout():
    provider = IdentityProvider()
    kid = provider.rotate()
    hang_up = asyncio.Event()

    async def accept_and_stay_silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await hang_up.wait()
        writer.close()

    server = await asyncio.start_server(accept_and_stay_silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        verifier = verifier_for(f"http://127.0.0.1:{port}/certs", jwks_timeout_s=0.5)
        with pytest.raises(KeysUnavailable, match="could not be fetched"):
            await verifier.principal(provider.token(kid))
    finally:
        hang_up.set()
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize(("body", "media_type"), [
    ('{"keys": []}', "application/json"),
    ('{"keys": [{"kty": "RSA", "n": "AQAB", "e": "AQAB", "use": "enc", "kid": "k1"}]}', "application/json"),
    ("[]", "application/json"),
    ("<html>Sign in</html>", "text/html"),
])
async def test_a_jwks_document_without_usable_keys_is_a_clear_refusal(body, media_type):
    provider = IdentityProvider()
    kid = provider.rotate()
    app = FastAPI()
    app.get("/certs")(lambda: Response(body, media_type=media_type))
    async with serving(app) as base_url:
        with pytest.raises(KeysUnavailable, match="publishes no usable signing keys"):
            await verifier_for(f"{base_url}/certs").principal(provider.token(kid))


async def test_a_jwks_url_that_fails_is_a_clear_refusal():
    provider = IdentityProvider()
    kid = provider.rotate()
    app = FastAPI()
    app.get("/certs")(lambda: Response("down for maintenance", status_code=503))
    async with serving(app) as base_url:
        with pytest.raises(KeysUnavailable, match="signing keys could not be fetched"):
            await verifier_for(f"{base_url}/certs").principal(provider.token(kid))
