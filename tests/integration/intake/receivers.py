"""Real local receivers for the notifications: an SMTP server (aiosmtpd) and an HTTP webhook endpoint."""

import contextlib
import email
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shared.broker import free_port
from tests.support import serving

# The receivers listen on loopback, which callback URLs may not reach unless the settings say so.
LOOPBACK_CALLBACKS = {"callback_url_allowed_hosts": ["127.0.0.1"], "callback_url_allowed_networks": ["127.0.0.1/32"],
                      "callback_url_require_https": False}


@dataclass
class Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@dataclass(frozen=True)
class Delivery:
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookReceiver:
    url: str
    answer: int = 200
    deliveries: list[Delivery] = field(default_factory=list)


@contextlib.asynccontextmanager
async def webhook_receiver() -> AsyncIterator[WebhookReceiver]:
    """An HTTP server on a free port; POST /hook records the request and answers `receiver.answer`."""
    receiver = WebhookReceiver(url="")

    async def hook(request: Request) -> Response:
        receiver.deliveries.append(Delivery(dict(request.headers), await request.body()))
        return Response(status_code=receiver.answer)

    async with serving(Starlette(routes=[Route("/hook", hook, methods=["POST"])])) as base_url:
        receiver.url = f"{base_url}/hook"
        yield receiver
