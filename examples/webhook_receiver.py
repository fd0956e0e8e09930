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
"""

import argparse
import asyncio
import binascii
import contextlib
import json
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
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


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description="Receive and verify Redress's signed webhooks.")
    parser.add_argument("--secret", action="append", dest="secrets",
                        help="a signing secret (whsec_…), repeatable (env WEBHOOK_SECRETS, comma-separated)")
    parser.add_argument("--host", default=env("WEBHOOK_HOST", "127.0.0.1"), help="env WEBHOOK_HOST")
    parser.add_argument("--port", type=int, default=int(env("WEBHOOK_PORT", "8080")), help="env WEBHOOK_PORT")
    parser.add_argument("--inbox", default=env("WEBHOOK_INBOX", "webhooks.sqlite"),
                        help="the SQLite file of received messages (env WEBHOOK_INBOX)")
    args = parser.parse_args(argv)
    args.secrets = args.secrets or [s for s in env("WEBHOOK_SECRETS", "").split(",") if s]
    if not args.secrets:
        parser.error("give a secret with --secret or WEBHOOK_SECRETS")
    return args


def main(argv: list[str] | None = None) -> None:
    import uvicorn  # only the script needs a server; tests and other apps mount create_app's app themselves

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = parse(argv)
    inbox = Inbox(args.inbox)
    try:
        uvicorn.run(create_app(args.secrets, inbox), host=args.host, port=args.port)
    finally:
        inbox.close()


if __name__ == "__main__":
    main()
