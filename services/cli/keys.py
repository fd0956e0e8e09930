"""`redress keys create|list|revoke|rotate`: API keys of frontends, partners and tools.

A key is stored (hashed) in the database of each service it is for, all four unless --service narrows it; its
text is printed once, at creation or rotation, and cannot be shown again."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from services.catalog import ServiceSpec, pick
from services.cli.options import fail, parse_duration
from shared.auth.keys import ApiKey, find_key, issue_key, list_keys, retire_key, revoke_key, successor
from shared.auth.provision import store_at
from shared.auth.roles import Role
from shared.contracts.base import DEFAULT_TENANT
from shared.db import Database

console = Console()
keys_app = typer.Typer(help="API keys of frontends, partners and tools (stored hashed in each service's database).",
                       no_args_is_help=True)
T = TypeVar("T")

SERVICES_OPTION = typer.Option(None, "--service", "-s", help="Only this service (repeatable); default: all four.")


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")


@keys_app.command(help="Create a key and print it (once). Example: redress keys create --name web-form "
                  "--role frontend --expires-in 365d")
def create(name: str = typer.Option(..., help="Who holds the key, e.g. web-form, wechat-bridge, acme-partner."),
           roles: list[str] = typer.Option(..., "--role", "-r", help=f"One of {', '.join(Role)}; repeatable."),
           tenant: str = typer.Option(DEFAULT_TENANT, help="The organisation whose data the key reaches."),
           queues: list[str] = typer.Option(None, "--queue", "-q",
                                            help="Queues an agent or supervisor key sees (repeatable)."),
           expires_in: str = typer.Option(None, help="Lifetime such as 90d or 12h; default: until revoked."),
           services: list[str] = SERVICES_OPTION) -> None:
    specs = _specs(services)
    try:
        issued = issue_key(name=name, roles=Role.parse(roles), tenant=tenant, queues=frozenset(queues or ()),
                           expires_at=_expiry(expires_in))
    except ValueError as exc:
        fail(str(exc), code=2)
    _run(store_at([spec.settings().resolved_database_url for spec in specs], issued))
    _show_new(issued.text, issued.key, specs)


@keys_app.command(name="list", help="The keys each service knows, with their state; never their secrets.")
def list_(services: list[str] = SERVICES_OPTION,
          everything: bool = typer.Option(False, "--all", help="Also revoked and expired keys.")) -> None:
    now = datetime.now(UTC)
    found: dict[str, tuple[ApiKey, list[str]]] = {}
    for spec in _specs(services):
        for key in _at(spec, list_keys):
            found.setdefault(key.id, (key, []))[1].append(spec.name)
    table = Table("id", "name", "roles", "tenant", "queues", "created", "expires", "state", "services")
    shown = 0
    for key, names in found.values():
        state = key.state(now)
        if state != "active" and not everything:
            continue
        shown += 1
        table.add_row(key.id, key.name, ", ".join(sorted(key.roles)), key.tenant, ", ".join(sorted(key.queues)),
                      _moment(key.created_at), _moment(key.expires_at) if key.expires_at else "never",
                      state, ", ".join(names))
    console.print(table)
    hidden = len(found) - shown
    console.print(f"{shown} key(s)" + (f"; {hidden} revoked or expired (--all shows them)" if hidden else ""))


@keys_app.command(help="Revoke a key in every service that has it; it stops working within "
                  "REDRESS_AUTH_KEY_CACHE_S seconds.")
def revoke(key_id: str = typer.Argument(..., help="The key's id (the 16 hex digits after rdk_)."),
           services: list[str] = SERVICES_OPTION) -> None:
    revoked = [spec.name for spec in _specs(services) if _at(spec, lambda c: revoke_key(c, key_id))]
    if not revoked:
        fail(f"no service knows the key {key_id}", code=1)
    console.print(f"key {key_id} revoked in {', '.join(revoked)}")


@keys_app.command(help="Issue a new key in place of an old one (same name, roles, tenant, queues); the old key "
                  "keeps working for the grace period, so holders can switch without an outage.")
def rotate(key_id: str = typer.Argument(..., help="The key to replace."),
           grace: str = typer.Option("24h", help="How long the old key still works, e.g. 1h, 7d; 0s for not."),
           expires_in: str = typer.Option(None, help="Lifetime of the new key; default: until revoked."),
           services: list[str] = SERVICES_OPTION) -> None:
    holders = [(spec, stored) for spec in _specs(services)
               if (stored := _at(spec, lambda c: find_key(c, key_id))) is not None]
    if not holders:
        fail(f"no service knows the key {key_id}", code=1)
    old = holders[0][1].key
    if old.state(datetime.now(UTC)) == "revoked":
        fail(f"the key {key_id} is revoked; create a new one instead", code=1)
    new = successor(old, expires_in=_lifetime(expires_in))
    grace_period = _lifetime(grace) or timedelta(0)
    for spec, stored in holders:
        _at(spec, lambda c, held=stored.key: retire_key(c, held, new, grace=grace_period))
    _show_new(new.text, new.key, [spec for spec, _ in holders])
    console.print(f"the old key {key_id} works until {_moment(datetime.now(UTC) + grace_period)}")


def _specs(names: list[str] | None) -> list[ServiceSpec]:
    try:
        return pick(names)
    except ValueError as exc:
        fail(str(exc), code=2)


def _at(spec: ServiceSpec, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
    """Run `work` in one transaction of the service's database."""

    async def in_transaction() -> T:
        database = Database(spec.settings().resolved_database_url)
        try:
            async with database.engine.begin() as connection:
                return await work(connection)
        finally:
            await database.dispose()

    try:
        return asyncio.run(in_transaction())
    except SQLAlchemyError as exc:
        fail(f"{spec.name}: cannot use its database ({type(exc).__name__}); is it migrated (redress migrate)?",
             code=2)


def _run(work: Awaitable[None]) -> None:
    try:
        asyncio.run(work)  # type: ignore[arg-type]
    except SQLAlchemyError as exc:
        fail(f"cannot store the key ({type(exc).__name__}); are the databases migrated (redress migrate)?", code=2)


def _expiry(text: str | None) -> datetime | None:
    lifetime = _lifetime(text)
    return datetime.now(UTC) + lifetime if lifetime else None


def _lifetime(text: str | None) -> timedelta | None:
    if text is None:
        return None
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def _show_new(text: str, key: ApiKey, specs: list[ServiceSpec]) -> None:
    expiry = f", expires {_moment(key.expires_at)}" if key.expires_at else ""
    console.print(f"key {key.id} for {key.name} ({', '.join(sorted(key.roles))}; tenant {key.tenant}{expiry}) "
                  f"stored in {', '.join(spec.name for spec in specs)}", soft_wrap=True)
    console.print("send it as the X-API-Key header; it is shown only now:", soft_wrap=True)
    typer.echo(text)


def _moment(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else ""
