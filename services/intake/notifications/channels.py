"""Channel adapters: e-mail over SMTP (aiosmtplib) and webhooks signed with the Standard Webhooks scheme."""

import asyncio
import ipaddress
import json
import math
import socket
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol
from urllib.parse import urlsplit

import aiosmtplib
import httpx
from standardwebhooks import Webhook

from services.intake.domain import CallbackPolicy, CallbackUrlRefused, check_callback_addresses, check_callback_url
from services.intake.notifications.domain import EMAIL, WEBHOOK
from services.intake.notifications.messages import render
from services.intake.notifications.service import Claimed
from services.intake.settings import IntakeSettings


class ChannelOff(Exception):
    """The channel is not configured: the notification is recorded as skipped with this reason."""


class DestinationRefused(ChannelOff):
    """The settings do not allow this destination (any more): skipped with the reason, retryable through the API
    once the settings allow it."""


class DeliveryFailed(Exception):
    """The destination refused or did not answer: tried again later."""


class Sender(Protocol):
    async def send(self, claimed: Claimed) -> None: ...


class EmailSender:
    def __init__(self, settings: IntakeSettings) -> None:
        self.settings = settings

    async def send(self, claimed: Claimed) -> None:
        settings = self.settings
        if not settings.smtp_host:
            raise ChannelOff("the e-mail channel is off: smtp_host is not set")
        try:
            await aiosmtplib.send(
                email_of(claimed, sender=settings.smtp_sender), hostname=settings.smtp_host, port=settings.smtp_port,
                username=settings.smtp_username or None,
                password=settings.smtp_password.get_secret_value() or None,
                start_tls=settings.smtp_starttls, timeout=settings.notification_timeout_s)
        except aiosmtplib.SMTPException as exc:
            raise DeliveryFailed(f"SMTP: {exc}") from exc


def email_of(claimed: Claimed, *, sender: str) -> EmailMessage:
    message = render(claimed.kind, language=claimed.language, payload=claimed.payload)
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = sender, claimed.destination, message.subject
    email["Date"] = formatdate(localtime=False)
    # The same id on every try, so a mail server or client can drop a second copy.
    email["Message-ID"] = f"<{claimed.id}@redress.notifications>"
    email["Content-Language"] = claimed.language
    email.set_content(message.body)
    return email


class WebhookSender:
    def __init__(self, settings: IntakeSettings, client: httpx.AsyncClient) -> None:
        secret = settings.webhook_secret.get_secret_value()
        self.signer = Webhook(secret) if secret else None
        self.client = client
        self.policy = settings.callback_policy()

    async def send(self, claimed: Claimed) -> None:
        if self.signer is None:
            raise ChannelOff("the webhook channel is off: webhook_secret is not set")
        await check_destination(claimed.destination, policy=self.policy)
        now = datetime.now(UTC)
        body = webhook_body(claimed, at=now)
        headers = {"content-type": "application/json", "webhook-id": str(claimed.id),
                   "webhook-timestamp": str(math.floor(now.timestamp())),
                   "webhook-signature": self.signer.sign(str(claimed.id), now, body)}
        try:
            response = await self.client.post(claimed.destination, content=body.encode(), headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"webhook: {type(exc).__name__}: {exc}") from exc
        if not response.is_success:
            raise DeliveryFailed(f"webhook: the receiver answered {response.status_code}")


async def check_destination(url: str, *, policy: CallbackPolicy) -> None:
    """The callback URL as the submit checked it, under today's settings, and every address its host resolves
    to now: a public name may have been pointed at a private address since."""
    try:
        check_callback_url(url, policy=policy)
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise DeliveryFailed(f"webhook: cannot resolve {host}: {exc}") from exc
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]
        check_callback_addresses(host, addresses, policy=policy)
    except CallbackUrlRefused as exc:
        raise DestinationRefused(exc.detail) from exc


def webhook_body(claimed: Claimed, *, at: datetime) -> str:
    """A Standard Webhooks payload: type, timestamp, data (with the message as the customer reads it)."""
    message = render(claimed.kind, language=claimed.language, payload=claimed.payload)
    data = {**claimed.payload, "language": claimed.language, "title": message.subject, "text": message.body}
    return json.dumps({"type": f"complaint.{claimed.kind}", "timestamp": at.isoformat(), "data": data},
                      ensure_ascii=False)


def senders(settings: IntakeSettings, client: httpx.AsyncClient) -> dict[str, Sender]:
    return {EMAIL: EmailSender(settings), WEBHOOK: WebhookSender(settings, client)}
