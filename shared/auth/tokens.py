"""Staff bearer tokens: JWTs from the organisation's identity provider (OIDC), checked and turned into a Principal.

The signing keys come from the provider's JWKS URL (cached, and fetched again when a token names a key not seen
yet, which is how a key rotation reaches a running service) or from one configured PEM public key. Only asymmetric
algorithms are accepted, so a public key can never serve as an HMAC secret.
"""

import asyncio
import contextlib
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from shared.auth.principal import Principal
from shared.auth.roles import Role
from shared.contracts.base import DEFAULT_TENANT
from shared.settings import ServiceSettings

logger = logging.getLogger(__name__)

# What kind of public key verifies each accepted algorithm.
KEY_TYPES: dict[str, tuple[type, ...]] = {
    **{name: (RSAPublicKey,) for name in ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")},
    **{name: (EllipticCurvePublicKey,) for name in ("ES256", "ES256K", "ES384", "ES512")},
    "EdDSA": (Ed25519PublicKey, Ed448PublicKey),
}
TENANT_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")  # as the intake's tenant setting
JWKS_LIFESPAN_S = 300.0  # how long a fetched key set is trusted before it is fetched again
UNREACHABLE = "the identity provider's signing keys could not be fetched; try again later"
NO_USABLE_KEYS = "the identity provider publishes no usable signing keys"
UNKNOWN_KID = "the token's signing key (kid) is not among the keys its issuer publishes"


class InvalidToken(Exception):
    """A bearer token that cannot be accepted; the message says why, in words a client can act on."""


class KeysUnavailable(InvalidToken):
    """The identity provider's keys could not be fetched: the token may be fine, this service cannot tell yet."""


def parse_algorithms(text: str) -> tuple[str, ...]:
    """The comma-separated algorithm names of a setting; ValueError for none, HS* or names that are not JWS."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    if not names:
        raise ValueError("name at least one signing algorithm, e.g. RS256")
    refused = [name for name in names if name.lower() == "none" or name.upper().startswith("HS")]
    if refused:
        raise ValueError(f"{', '.join(refused)} cannot be accepted: staff tokens must be signed with the provider's "
                         "private key (RS256, PS256, ES256, EdDSA …), never with a shared secret or not at all")
    unknown = [name for name in names if name not in KEY_TYPES]
    if unknown:
        raise ValueError(f"unknown signing algorithm {', '.join(unknown)}; choose from {', '.join(KEY_TYPES)}")
    return names


def load_public_key(pem: str) -> PublicKeyTypes:
    """A PEM public key; `\\n` written out (as in a one-line environment variable) counts as a line break."""
    try:
        return load_pem_public_key(pem.strip().replace("\\n", "\n").encode())
    except (ValueError, TypeError) as error:
        raise ValueError("not a PEM public key (-----BEGIN PUBLIC KEY----- …); a private key or a certificate "
                         "does not do: export its public key") from error


def check_key_fits(key: PublicKeyTypes, *, algorithms: tuple[str, ...]) -> None:
    """ValueError when `key` cannot verify one of `algorithms` (an RSA key and ES256, say)."""
    unfit = [name for name in algorithms if not isinstance(key, KEY_TYPES[name])]
    if unfit:
        raise ValueError(f"the configured public key cannot verify {', '.join(unfit)}: RSA keys verify RS* and PS*, "
                         "EC keys ES*, Ed25519 and Ed448 keys EdDSA")


@dataclass(frozen=True)
class ClaimNames:
    """Where the Redress attributes are in a token; a dotted name reaches into an object (`realm_access.roles`)."""

    roles: str = "roles"
    tenant: str = "tenant"
    queues: str = "queues"


class SigningKeys(Protocol):
    async def key_for(self, header: Mapping[str, Any]) -> Any: ...


@dataclass(frozen=True)
class ConfiguredKey:
    key: PublicKeyTypes

    async def key_for(self, header: Mapping[str, Any]) -> Any:
        return self.key


class JwksKeys:
    """The provider's published keys. PyJWKClient keeps the set for JWKS_LIFESPAN_S and fetches it again for a
    `kid` it does not know, at most once per `cooldown_s`, so tokens with made-up kids cannot flood the provider."""

    def __init__(self, url: str, *, cooldown_s: float = 30.0, timeout_s: float = 5.0) -> None:
        self.url = url
        self._client = jwt.PyJWKClient(url, lifespan=JWKS_LIFESPAN_S, timeout=timeout_s, cooldown_duration=cooldown_s)

    async def key_for(self, header: Mapping[str, Any]) -> Any:
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("the token's header names no signing key (kid); this service looks keys up by kid")
        return await asyncio.to_thread(self._signing_key, kid)  # PyJWKClient fetches with blocking urllib

    def _signing_key(self, kid: str) -> jwt.PyJWK:
        with self._translated(finding_kid=False):
            self._client.get_signing_keys()  # an unreachable or unusable key set is not an unknown kid
        with self._translated(finding_kid=True):
            return self._client.get_signing_key(kid)

    @contextlib.contextmanager
    def _translated(self, *, finding_kid: bool) -> Iterator[None]:
        try:
            yield
        except (jwt.PyJWKClientConnectionError, OSError) as error:
            logger.warning("the JWKS at %s could not be fetched: %s", self.url, error)
            raise KeysUnavailable(UNREACHABLE) from error
        except (jwt.PyJWKClientError, jwt.PyJWKSetError, ValueError) as error:  # ValueError: not JSON
            if finding_kid and isinstance(error, jwt.PyJWKClientError):
                raise InvalidToken(UNKNOWN_KID) from error
            logger.warning("the JWKS at %s holds no usable keys: %s", self.url, error)
            raise KeysUnavailable(NO_USABLE_KEYS) from error


class TokenVerifier:
    """Checks a bearer token's signature, algorithm, times, issuer and audience; makes a Principal of its claims."""

    def __init__(self, keys: SigningKeys | None, *, algorithms: tuple[str, ...] = ("RS256",),
                 issuer: str | None = None, audience: str | None = None, leeway_s: float = 30.0,
                 claims: ClaimNames = ClaimNames()) -> None:
        self.keys = keys
        self.algorithms = parse_algorithms(",".join(algorithms))
        self.issuer = issuer
        self.audience = audience
        self.leeway_s = leeway_s
        self.claims = claims

    @classmethod
    def from_settings(cls, settings: ServiceSettings, *, jwks_cooldown_s: float = 30.0,
                      jwks_timeout_s: float = 5.0) -> "TokenVerifier":
        """From a ServiceSettings' auth_jwt_* options; `configured` is False when neither key source is set."""
        keys: SigningKeys | None = None
        if settings.auth_jwt_jwks_url:
            keys = JwksKeys(settings.auth_jwt_jwks_url, cooldown_s=jwks_cooldown_s, timeout_s=jwks_timeout_s)
        elif settings.auth_jwt_public_key:
            keys = ConfiguredKey(load_public_key(settings.auth_jwt_public_key))
        claims = ClaimNames(roles=settings.auth_jwt_roles_claim, tenant=settings.auth_jwt_tenant_claim,
                            queues=settings.auth_jwt_queues_claim)
        return cls(keys, algorithms=parse_algorithms(settings.auth_jwt_algorithms),
                   issuer=settings.auth_jwt_issuer or None, audience=settings.auth_jwt_audience or None,
                   leeway_s=settings.auth_jwt_leeway_s, claims=claims)

    @property
    def configured(self) -> bool:
        return self.keys is not None

    async def principal(self, token: str) -> Principal:
        """Who the token speaks for; InvalidToken (never echoing the token) when it cannot be accepted."""
        return principal_from(await self.verified_claims(token), names=self.claims)

    async def verified_claims(self, token: str) -> dict[str, Any]:
        if self.keys is None:
            raise InvalidToken("bearer tokens are not accepted by this service")
        header = _header(token)
        if header.get("alg") not in self.algorithms:
            raise InvalidToken(f"the token's signing algorithm is not accepted; accepted: {', '.join(self.algorithms)}")
        key = await self.keys.key_for(header)
        try:
            claims = jwt.decode(token, key, algorithms=list(self.algorithms), issuer=self.issuer,
                                audience=self.audience, leeway=self.leeway_s,
                                options={"require": ["exp", "sub"], "verify_aud": self.audience is not None})
        except jwt.PyJWTError as error:
            raise InvalidToken(self._reason(error)) from error
        if not claims["sub"]:
            raise InvalidToken("the token has no subject (sub claim)")
        return claims

    def _reason(self, error: jwt.PyJWTError) -> str:
        match error:
            case jwt.ExpiredSignatureError():
                return "the token has expired; get a new one"
            case jwt.ImmatureSignatureError():
                return "the token is not valid yet (nbf or iat lies in the future); check the clocks"
            case jwt.InvalidAudienceError():
                return f"the token is not meant for this service: its audience (aud) must include {self.audience}"
            case jwt.InvalidIssuerError():
                return f"the token comes from another issuer: its iss must be {self.issuer}"
            case jwt.MissingRequiredClaimError(claim="sub"):
                return "the token has no subject (sub claim)"
            case jwt.MissingRequiredClaimError():
                return f"the token has no {error.claim} claim"
            case jwt.InvalidSignatureError():
                return "the token's signature does not verify: it was altered, or signed with another key"
            case jwt.InvalidAlgorithmError():
                return f"the token's algorithm does not match its signing key; accepted: {', '.join(self.algorithms)}"
            case jwt.DecodeError() | jwt.InvalidIssuedAtError():
                return "the token is malformed: its payload or a time claim (exp, nbf, iat) cannot be read"
            case jwt.InvalidSubjectError():
                return "the token's subject (sub claim) must be a string"
        return "the token cannot be accepted"


def _header(token: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise InvalidToken("the token is malformed: not a signed JWT (three base64url parts, JSON header)") from None
    return header


def principal_from(claims: Mapping[str, Any], *, names: ClaimNames) -> Principal:
    """The Principal a verified token speaks for. Role names that are not Redress roles are left out."""
    tenant = claim(claims, path=names.tenant)
    if tenant is None:
        tenant = DEFAULT_TENANT
    elif not isinstance(tenant, str) or not TENANT_NAME.fullmatch(tenant):
        raise InvalidToken(f"the token's {names.tenant} claim is not a tenant name (lowercase letters, digits, "
                           "hyphens)")
    roles = frozenset(Role(name) for name in _names(claims, names.roles) if name in Role._value2member_map_)
    return Principal(subject=claims["sub"], roles=roles, tenant=tenant, via="token",
                     queues=frozenset(_names(claims, names.queues)))


def claim(claims: Mapping[str, Any], *, path: str) -> Any:
    """The claim named `path`, or the one that dotted path leads to; None when absent. The whole name is tried first:
    namespaced claims (`https://redress.example/roles`) contain dots too."""
    if path in claims:
        return claims[path]
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _names(claims: Mapping[str, Any], name: str) -> list[str]:
    """A claim holding names: a list of strings, or one string of names separated by spaces (as `scope`)."""
    value = claim(claims, path=name)
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise InvalidToken(f"the token's {name} claim must be a list of names or a space-separated string")
