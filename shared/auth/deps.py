"""The route dependencies that authenticate and authorise: every route declares `requires(...)` or `public()`.

`requires(Role.SUPERVISOR)` answers 401 (with WWW-Authenticate) when the request carries no valid key or token,
403 when the caller has none of the roles (admin has them all), and gives the route the caller's Principal."""

import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from shared.auth.keys import StoredKey, find_key, split_key
from shared.auth.principal import Principal
from shared.auth.roles import Role

API_KEY_HEADER = "X-API-Key"
# The authenticated caller's tenant for the rest of the request: the audit log files changes under it.
_caller_tenant: ContextVar[str | None] = ContextVar("caller_tenant", default=None)
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="redress", ApiKey header="X-API-Key"'}

_api_key = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, scheme_name="ApiKey",
                        description="A key made with `redress keys create`, for frontends, partners and tools.")
_bearer = HTTPBearer(auto_error=False, scheme_name="StaffToken", bearerFormat="JWT",
                     description="A staff token (JWT, RS256) from the identity provider the service trusts.")


class Unauthenticated(HTTPException):
    def __init__(self, detail: str) -> None:
        super().__init__(401, detail, headers=CHALLENGE)


@dataclass
class KeyCache:
    """Keys found recently, so that a request costs no query; a revocation takes effect within `ttl_s`."""
    ttl_s: float
    _found: dict[str, tuple[float, StoredKey]] = field(default_factory=dict)

    def get(self, key_id: str) -> StoredKey | None:
        hit = self._found.get(key_id)
        if hit is None or time.monotonic() - hit[0] > self.ttl_s:
            return None
        return hit[1]

    def put(self, stored: StoredKey) -> None:
        if len(self._found) > 10_000:  # many keys in turn: start over rather than grow without bound
            self._found.clear()
        self._found[stored.key.id] = (time.monotonic(), stored)

    def forget(self, key_id: str) -> None:
        self._found.pop(key_id, None)


@dataclass
class Authenticator:
    cache: KeyCache
    settings: Any
    _tokens: Any = None

    @classmethod
    def of(cls, request: Request) -> "Authenticator":
        """The app's authenticator, made from the service's settings on first use."""
        found = getattr(request.app.state, "authenticator", None)
        if found is None:
            settings = request.app.state.runtime.settings
            found = request.app.state.authenticator = cls(KeyCache(settings.auth_key_cache_s), settings)
        return found

    async def by_key(self, request: Request, text: str) -> Principal:
        try:
            key_id, secret = split_key(text)
        except ValueError as exc:
            raise Unauthenticated(f"the X-API-Key header is not valid: {exc}") from None
        stored = self.cache.get(key_id)
        if stored is None:
            async with request.app.state.runtime.database.reading() as connection:
                stored = await find_key(connection, key_id)
            if stored is not None:
                self.cache.put(stored)
        if stored is None or not stored.matches(secret):
            raise Unauthenticated("this service knows no such API key")
        state = stored.key.state(datetime.now(UTC))
        if state != "active":
            when = stored.key.revoked_at if state == "revoked" else stored.key.expires_at
            assert when is not None
            raise Unauthenticated(f"the API key {stored.key.id} was {state} at {when.isoformat()}")
        return stored.key.principal()

    async def by_token(self, token: str) -> Principal:
        from shared.auth.tokens import InvalidToken, TokenVerifier  # PyJWT is loaded only where tokens come

        if self._tokens is None:
            self._tokens = TokenVerifier.from_settings(self.settings)
        if not self._tokens.configured:
            raise Unauthenticated("this service accepts no bearer tokens (no JWKS URL or key is configured); "
                                  "send an API key in X-API-Key")
        try:
            return await self._tokens.principal(token)
        except InvalidToken as exc:
            raise Unauthenticated(f"the bearer token is not valid: {exc}") from None


async def authenticate(request: Request,
                       key: Annotated[str | None, Depends(_api_key)] = None,
                       bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None) -> Principal:
    """The caller, from X-API-Key or Authorization: Bearer (the key wins when both are sent)."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    authenticator = Authenticator.of(request)
    if key:
        principal = await authenticator.by_key(request, key)
    elif bearer is not None:
        principal = await authenticator.by_token(bearer.credentials)
    else:
        raise Unauthenticated("this endpoint needs credentials: an API key in X-API-Key or a staff token in "
                              "Authorization: Bearer")
    request.state.principal = principal
    _caller_tenant.set(principal.tenant)
    return principal


def caller_tenant() -> str | None:
    """The tenant of the request being served, once its caller is authenticated; None outside requests."""
    return _caller_tenant.get()


# A route's parameter for the authenticated caller (its roles are checked by the router's `requires`).
CallerDep = Annotated[Principal, Depends(authenticate)]


def requires(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting callers with one of `roles` (and admins); it gives the route the Principal."""
    allowed = frozenset(roles)

    # Security(..., scopes=roles) puts the roles into the OpenAPI security requirement of each route.
    async def authorised(principal: Annotated[Principal, Security(authenticate, scopes=sorted(allowed))]
                         ) -> Principal:
        if not principal.may(allowed):
            needed = ", ".join(sorted({*allowed, Role.ADMIN}))
            held = ", ".join(sorted(principal.roles)) or "no role"
            raise HTTPException(403, f"this endpoint needs one of the roles {needed}; {principal.subject} has "
                                     f"{held}")
        return principal

    authorised.redress_roles = allowed  # type: ignore[attr-defined]  # read by declarations.py
    return authorised


def public() -> Callable[[], Awaitable[None]]:
    """A dependency that admits anyone: the declaration of an endpoint that needs no credentials."""

    async def anyone() -> None:
        return None

    anyone.redress_public = True  # type: ignore[attr-defined]
    return anyone


def access_of(dependency: Any) -> frozenset[Role] | bool | None:
    """What a dependency declares: its roles, True for public(), None when it is neither."""
    if getattr(dependency, "redress_public", False):
        return True
    return getattr(dependency, "redress_roles", None)
