"""A receiver of Redress's signed webhooks: Starlette, the `standardwebhooks` package and SQLite, nothing else.

Redress signs its webhooks with the Standard Webhooks scheme (https://www.standardwebhooks.com):

    webhook-id         the message id; the SAME on every retry and redelivery of one message
    webhook-timestamp  when this try was sent, in Unix seconds
    webhook-signature  "v1,<base64 HMAC-SHA256 of '<id>.<timestamp>.<body>'>", one per secret, space-separated
                       (two while a rotated secret is in its grace period)

Two senders use it: escalation's partner webhooks (POST /v1/webhooks subscribes; the answer holds the secret,
`whsec_…`; the body is a CloudEvent in JSON: id, type, source, time, subject, data) and intake's customer
notifications (the frontend's callback_url; intake's `webhook_secret`; the body is {type, timestamp, data}).

What the receiver does with each POST, in this order:

  1. verifies the signature over the raw body with each configured secret, and that the timestamp is within
     five minutes of now: a forged, tampered or replayed-later message gets 401 and changes nothing;
  2. stores the verified message in its inbox (SQLite) under its webhook-id; an id already there is a
     retry or a replay and is NOT stored again;
  3. answers 204 at once (for a duplicate too, so the sender stops retrying) and leaves the work to a
     background worker that reads the inbox, so a slow handler never makes the sender time out and retry.

Keep inbox rows for longer than the sender retries (escalation retries a delivery for up to about 17 hours by
default, and anyone can ask for a redelivery later): that is the window in which a webhook-id can come back.

Run it (WEBHOOK_SECRETS may hold several secrets, comma-separated, e.g. while rotating):

    WEBHOOK_SECRETS=whsec_... python examples/webhook_receiver.py --port 8080 --inbox webhooks.sqlite
    # then subscribe http://<host>:8080/webhooks/redress in escalation, or use it as a callback_url

or let it subscribe itself once, with escalation at http://127.0.0.1:8003, and keep the secret it prints:

    REDRESS_API_KEY=rdk_... python examples/webhook_receiver.py --subscribe http://127.0.0.1:8003 \\
        --filter 'redress.sla.*' --port 8080

Subscribing (POST /v1/webhooks) needs an API key of the partner role. An operator makes one with
`redress keys create --role partner --name acme`; `make run` (`redress run`) makes an admin key for development
and keeps it in var/dev-api-key. The key comes from --api-key, else the REDRESS_API_KEY environment variable,
else var/dev-api-key (relative to the working directory) when that file exists. Receiving needs no key: the
signature is the proof.
"""

import argparse
import asyncio
import binascii
import contextlib
import json
import logging
import os
import sqlite3
import sys
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

log = logging.getLogger("webhook_receiver")

PATH = "/webhooks/redress"
REQUIRED_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")
API_KEY_HEADER = "X-API-Key"
API_KEY_ENV = "REDRESS_API_KEY"
DEV_KEY_FILE = Path("var/dev-api-key")  # where `redress run` keeps its development key
Handler = Callable[[dict[str, Any]], Awaitable[None]]


class Forged(Exception):
    """The message was not signed by a secret we hold, was changed on the way, or is too old or too new."""


class Verifier:
    def __init__(self, secrets: list[str]) -> None:
        if not secrets:
            raise ValueError("at least one webhook secret is needed")
        self.webhooks = [Webhook(secret) for secret in secrets]

    def verify(self, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
        """The parsed body once one of our secrets signed it; raises Forged otherwise."""
        reason = "no matching signature"
        for webhook in self.webhooks:
            try:
                return webhook.verify(body, headers)  # checks the timestamp (5 minutes) and the HMAC
            except (WebhookVerificationError, ValueError, binascii.Error) as exc:  # malformed headers too
                reason = str(exc) or type(exc).__name__
        raise Forged(reason)


class Inbox:
    """Verified messages by webhook-id. The primary key is the de-duplication: a second insert is ignored."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute("""CREATE TABLE IF NOT EXISTS webhook (
            webhook_id TEXT PRIMARY KEY, type TEXT, payload TEXT NOT NULL, sent_at INTEGER NOT NULL,
            received_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, processed_at TEXT)""")
        self.db.commit()

    def add(self, webhook_id: str, payload: dict[str, Any], *, sent_at: int) -> bool:
        """True when the message is new; False for a retry, a redelivery or a replay of one we have."""
        with self.db:
            return self.db.execute(
                "INSERT OR IGNORE INTO webhook (webhook_id, type, payload, sent_at) VALUES (?, ?, ?, ?)",
                (webhook_id, payload.get("type"), json.dumps(payload), sent_at)).rowcount == 1

    def pending(self) -> list[tuple[str, dict[str, Any]]]:
        rows = self.db.execute("SELECT webhook_id, payload FROM webhook WHERE processed_at IS NULL ORDER BY rowid")
        return [(webhook_id, json.loads(payload)) for webhook_id, payload in rows]

    def mark_processed(self, webhook_id: str) -> None:
        with self.db:
            self.db.execute("UPDATE webhook SET processed_at = CURRENT_TIMESTAMP WHERE webhook_id = ?", (webhook_id,))

    def forget_before(self, days: float) -> int:
        """Drop processed messages older than `days`; an id older than that could come back as new."""
        with self.db:
            return self.db.execute("DELETE FROM webhook WHERE processed_at IS NOT NULL AND "
                                   "received_at < datetime('now', ?)", (f"-{days} days",)).rowcount

    def close(self) -> None:
        self.db.close()


async def log_it(payload: dict[str, Any]) -> None:
    """The default handler: put your own work here (update a ticket, notify someone, ...)."""
    about = payload.get("subject") or (payload.get("data") or {}).get("complaint_id")  # no personal data in logs
    log.info("webhook %s about complaint %s", payload.get("type"), about)


async def work(inbox: Inbox, handle: Handler, wake: asyncio.Event) -> None:
    """Handle stored messages one by one, oldest first; a message whose handler fails stays for the next round."""
    while True:
        wake.clear()  # before reading, so a message stored while we work wakes the next round
        for webhook_id, payload in inbox.pending():
            try:
                await handle(payload)
            except Exception:
                log.exception("handling webhook %s failed; it stays in the inbox", webhook_id)
                continue
            inbox.mark_processed(webhook_id)
        await wake.wait()


def create_app(secrets: list[str], inbox: Inbox, *, handle: Handler = log_it, keep_days: float = 7.0) -> Starlette:
    verifier = Verifier(secrets)
    wake = asyncio.Event()

    async def receive(request: Request) -> Response:
        body = await request.body()  # the raw bytes: the signature covers them exactly as sent
        headers = dict(request.headers)
        if not all(headers.get(name) for name in REQUIRED_HEADERS):
            return JSONResponse({"error": f"missing one of {', '.join(REQUIRED_HEADERS)}"}, status_code=400)
        try:
            payload = verifier.verify(body, headers)
        except Forged as exc:
            log.warning("refused webhook %s: %s", headers["webhook-id"], exc)
            return JSONResponse({"error": f"signature refused: {exc}"}, status_code=401)
        if inbox.add(headers["webhook-id"], payload, sent_at=int(float(headers["webhook-timestamp"]))):
            wake.set()
        else:
            log.info("webhook %s seen before; not handled again", headers["webhook-id"])
        return Response(status_code=204)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        inbox.forget_before(keep_days)
        worker = asyncio.create_task(work(inbox, handle, wake))
        try:
            yield
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    return Starlette(routes=[Route(PATH, receive, methods=["POST"])], lifespan=lifespan)


def api_key(given: str | None, environ: Mapping[str, str], dev_key_file: Path = DEV_KEY_FILE) -> str | None:
    """The key to send: the one given, else $REDRESS_API_KEY, else the development key when its file exists."""
    if given:
        return given
    if environ.get(API_KEY_ENV):
        return environ[API_KEY_ENV]
    if dev_key_file.is_file():
        return dev_key_file.read_text().strip() or None
    return None


class NotSubscribed(Exception):
    """Escalation refused the subscription (e.g. 401 without a key, 403 with a key of the wrong role)."""


def subscribe(escalation_url: str, receiver_url: str, *, filters: list[str], key: str | None) -> dict[str, Any]:
    """Subscribe `receiver_url` at escalation (POST /v1/webhooks) with the partner's API key; the subscription,
    with its secret, which escalation shows only this once."""
    body = json.dumps({"url": receiver_url, "filters": filters, "description": "webhook_receiver.py"}).encode()
    headers = {"Content-Type": "application/json", **({API_KEY_HEADER: key} if key else {})}
    request = urllib.request.Request(escalation_url.rstrip("/") + "/v1/webhooks", data=body, headers=headers,
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        problem = error.read().decode(errors="replace")[:500]
        raise NotSubscribed(f"escalation answered {error.code}: {problem}") from None


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(
        description="Receive and verify Redress's signed webhooks.",
        epilog=f"Subscribing needs a partner API key: --api-key, env {API_KEY_ENV}, or the development key in "
               f"{DEV_KEY_FILE} that `make run` writes; an operator makes one with `redress keys create --role "
               "partner`. Receiving needs none.")
    parser.add_argument("--secret", action="append", dest="secrets",
                        help="a signing secret (whsec_…), repeatable (env WEBHOOK_SECRETS, comma-separated)")
    parser.add_argument("--host", default=env("WEBHOOK_HOST", "127.0.0.1"), help="env WEBHOOK_HOST")
    parser.add_argument("--port", type=int, default=int(env("WEBHOOK_PORT", "8080")), help="env WEBHOOK_PORT")
    parser.add_argument("--inbox", default=env("WEBHOOK_INBOX", "webhooks.sqlite"),
                        help="the SQLite file of received messages (env WEBHOOK_INBOX)")
    parser.add_argument("--subscribe", metavar="ESCALATION_URL",
                        help="first subscribe this receiver at escalation's base URL and take the secret it gives")
    parser.add_argument("--filter", action="append", dest="filters",
                        help="event types to subscribe to, as shell patterns, repeatable (default: redress.*)")
    parser.add_argument("--public-url", help="the URL escalation calls (default: http://<host>:<port>" + PATH + ")")
    parser.add_argument("--api-key", help=f"the partner's API key, to subscribe (else env {API_KEY_ENV}, else "
                                          f"{DEV_KEY_FILE})")
    args = parser.parse_args(argv)
    args.secrets = args.secrets or [s for s in env("WEBHOOK_SECRETS", "").split(",") if s]
    if not args.secrets and not args.subscribe:
        parser.error("give a secret with --secret or WEBHOOK_SECRETS, or --subscribe to get one")
    return args


def subscribed_secrets(args: argparse.Namespace) -> list[str]:
    """The secrets to verify with: those given, and the new subscription's when --subscribe asked for one."""
    if not args.subscribe:
        return args.secrets
    receiver_url = args.public_url or f"http://{args.host}:{args.port}{PATH}"
    subscription = subscribe(args.subscribe, receiver_url, filters=args.filters or ["redress.*"],
                             key=api_key(args.api_key, os.environ))
    # Shown once by escalation: keep it, and start with --secret next time rather than subscribing again.
    print(f"subscribed {receiver_url} as {subscription['id']}; its secret: {subscription['secret']}", flush=True)
    return [*args.secrets, subscription["secret"]]


def main(argv: list[str] | None = None) -> None:
    import uvicorn  # only the script needs a server; tests and other apps mount create_app's app themselves

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = parse(argv)
    try:
        args.secrets = subscribed_secrets(args)
    except (NotSubscribed, OSError) as exc:
        sys.exit(f"could not subscribe: {exc}")
    inbox = Inbox(args.inbox)
    try:
        uvicorn.run(create_app(args.secrets, inbox), host=args.host, port=args.port)
    finally:
        inbox.close()


if __name__ == "__main__":
    main()
