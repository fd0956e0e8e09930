"""How a frontend files a complaint with intake and retries safely, with nothing but httpx.

    POST /v1/complaints          JSON body (channel, customer, subject, description, ...)
    X-API-Key: rdk_...           the frontend's API key (see below)
    Idempotency-Key: <key>       one key per complaint the customer submits, the SAME on every retry

Intake answers a retry that carries the same key and the same body with the first answer (201, or 200 when the
complaint was linked to an earlier one) and the header `Idempotency-Replayed: true`; it never files a second
complaint. That makes it safe to retry whenever the outcome is unknown:

  * a timeout or a broken connection: the complaint may or may not have been filed; the key decides;
  * 5xx and 429 (Retry-After is honoured): the server could not do it now.

Anything else in 4xx means the request itself is wrong and will stay wrong: do not retry, show the problem.
Errors come as RFC 9457 `application/problem+json`: `title`, `status`, `detail`, `instance`, a `request_id`
to quote to support, and for 422 an `errors` list of {loc, msg, type}, one per invalid field.

Intake files complaints only for callers with an API key of the frontend role. An operator makes one with

    redress keys create --role frontend --name web-form     (the key is shown once: keep it in a secret store)

and `make run` (`redress run`) makes an admin key for development, prints it and keeps it in var/dev-api-key.
The script takes the key from --api-key, else from the REDRESS_API_KEY environment variable, else from
var/dev-api-key (relative to the working directory) when that file exists. Without a key intake answers 401.

Run it (the URL can also come from REDRESS_INTAKE_URL):

    REDRESS_API_KEY=rdk_... python examples/submit_complaint.py --url http://127.0.0.1:8001 --customer-id c-1001 \\
        --email ann@example.com --subject "Charged twice" --description "Order 88231 was billed twice."
"""

import argparse
import asyncio
import os
import random
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx

RETRYABLE_STATUS = {429, 500, 502, 503, 504}
API_KEY_HEADER = "X-API-Key"
API_KEY_ENV = "REDRESS_API_KEY"
DEV_KEY_FILE = Path("var/dev-api-key")  # where `redress run` keeps its development key
KEY_HELP = (f"a frontend API key: --api-key, env {API_KEY_ENV}, or the development key in {DEV_KEY_FILE} that "
            "`make run` writes; an operator makes one with `redress keys create --role frontend`")


class Problem(Exception):
    """An RFC 9457 problem answer, or what we can make of an answer that is not one."""

    def __init__(self, status: int, document: dict[str, Any]) -> None:
        self.status = status
        self.title = document.get("title") or f"HTTP {status}"
        self.detail = document.get("detail") or ""
        self.errors: list[dict[str, Any]] = document.get("errors") or []
        self.request_id = document.get("request_id")
        super().__init__(str(self))

    @classmethod
    def of(cls, response: httpx.Response) -> "Problem":
        try:
            document = response.json()
        except ValueError:
            document = {"detail": response.text[:200]}
        return cls(response.status_code, document if isinstance(document, dict) else {})

    def fields(self) -> dict[str, str]:
        """Invalid fields by dotted path (`customer.email`), with the reason: handy to mark a form's fields."""
        return {".".join(str(part) for part in error["loc"] if part != "body"): error["msg"] for error in self.errors}

    def __str__(self) -> str:
        lines = [f"{self.status} {self.title}: {self.detail}".rstrip(": ")]
        lines += [f"  - {field or 'body'}: {message}" for field, message in self.fields().items()]
        if self.request_id:
            lines.append(f"  (request id {self.request_id})")
        return "\n".join(lines)


class GaveUp(Exception):
    """Every attempt failed in a way worth retrying; the complaint may have been filed. Retry later with the
    SAME key (it is in `key`) and the same body, and it is filed at most once."""

    def __init__(self, key: str, attempts: int, last: BaseException) -> None:
        super().__init__(f"no answer after {attempts} attempts (last: {type(last).__name__}: {last}); "
                         f"retry later with Idempotency-Key {key}")
        self.key = key


@dataclass(frozen=True)
class Filed:
    acknowledgement: dict[str, Any]  # id, tracking_number, status, expected_response_by, duplicate_of, ...
    replayed: bool                   # an earlier attempt had filed it; this is its answer again
    attempts: int


async def submit_complaint(client: httpx.AsyncClient, complaint: dict[str, Any], *, key: str | None = None,
                           attempts: int = 5, backoff_s: float = 0.5, max_backoff_s: float = 10.0) -> Filed:
    """File `complaint` through `client` (its base_url is intake's); raises Problem or GaveUp."""
    key = key or str(uuid4())  # made once, before the first attempt, and kept for all of them
    attempt = 0
    while True:
        attempt += 1
        retry_after = None
        try:
            response = await client.post("/v1/complaints", json=complaint, headers={"Idempotency-Key": key})
        except httpx.TransportError as exc:  # timeouts, refused or broken connections
            failure: BaseException = exc
        else:
            if response.is_success:
                return Filed(response.json(), response.headers.get("idempotency-replayed") == "true", attempt)
            if response.status_code not in RETRYABLE_STATUS:
                raise Problem.of(response)
            failure, retry_after = Problem.of(response), _seconds(response.headers.get("retry-after"))
        if attempt >= attempts:
            raise GaveUp(key, attempt, failure) from failure
        await asyncio.sleep(pause(attempt, backoff_s=backoff_s, max_backoff_s=max_backoff_s, at_least=retry_after))


def pause(attempt: int, *, backoff_s: float, max_backoff_s: float, at_least: float | None = None) -> float:
    """Exponential backoff with jitter, so many frontends that failed together do not retry together."""
    ceiling = min(max_backoff_s, backoff_s * 2 ** (attempt - 1))
    return max(random.uniform(ceiling / 2, ceiling), at_least or 0.0)


def _seconds(retry_after: str | None) -> float | None:
    try:
        return float(retry_after) if retry_after else None
    except ValueError:  # an HTTP date: fall back to our own backoff
        return None


def api_key(given: str | None, environ: Mapping[str, str], dev_key_file: Path = DEV_KEY_FILE) -> str | None:
    """The key to send: the one given, else $REDRESS_API_KEY, else the development key when its file exists."""
    if given:
        return given
    if environ.get(API_KEY_ENV):
        return environ[API_KEY_ENV]
    if dev_key_file.is_file():
        return dev_key_file.read_text().strip() or None
    return None


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="File a complaint with Redress intake, retrying safely.",
                                     epilog=f"API key: {KEY_HELP}.")
    parser.add_argument("--url", default=os.environ.get("REDRESS_INTAKE_URL", "http://127.0.0.1:8001"),
                        help="intake's base URL (env REDRESS_INTAKE_URL)")
    parser.add_argument("--api-key", help=f"the frontend's API key (else env {API_KEY_ENV}, else {DEV_KEY_FILE})")
    parser.add_argument("--channel", default="web")
    parser.add_argument("--customer-id", required=True)
    parser.add_argument("--name")
    parser.add_argument("--email")
    parser.add_argument("--phone")
    parser.add_argument("--subject", required=True)
    parser.add_argument("--description", required=True)
    parser.add_argument("--key", help="Idempotency-Key; pass the one a failed run printed to retry it")
    return parser.parse_args(argv)


def complaint_of(args: argparse.Namespace) -> dict[str, Any]:
    customer = {"id": args.customer_id, "name": args.name, "email": args.email, "phone": args.phone}
    return {"channel": args.channel, "subject": args.subject, "description": args.description,
            "customer": {k: v for k, v in customer.items() if v is not None}}


async def cli(argv: list[str] | None = None) -> int:
    """The script: 0 when filed, 1 when intake refused it (the problem is printed), 2 when it gave up."""
    args = parse(argv)
    key = api_key(args.api_key, os.environ)
    headers = {API_KEY_HEADER: key} if key else {}
    async with httpx.AsyncClient(base_url=args.url, timeout=10.0, headers=headers) as client:
        try:
            filed = await submit_complaint(client, complaint_of(args), key=args.key)
        except Problem as problem:
            print(f"Refused: {problem}", file=sys.stderr)
            if problem.status in (401, 403):
                print(f"Intake needs {KEY_HELP}.", file=sys.stderr)
            return 1
        except GaveUp as exc:
            print(f"Not sure it was filed: {exc}", file=sys.stderr)
            return 2
    ack = filed.acknowledgement
    print(f"Filed: tracking number {ack['tracking_number']} (complaint {ack['id']}), status {ack['status']}, "
          f"expect a response by {ack['expected_response_by']}" + (" [replayed]" if filed.replayed else ""))
    return 0


def main() -> None:
    sys.exit(asyncio.run(cli()))


if __name__ == "__main__":
    main()
