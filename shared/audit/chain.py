"""The hash chain of an audit log, as plain data: sealing an entry onto the chain and checking a chain.

Each entry's hash is sha256 over the previous entry's hash followed by the entry's canonical JSON, so changing,
removing or adding an entry anywhere breaks every link after it. The head (last sequence number and hash) is
kept apart, so entries cut off the end are noticed too. The tenant joins the hashed content only when it is not
the default one, so entries written before tenants check as they were sealed."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from shared.contracts.base import DEFAULT_TENANT

# The hash the first entry links to.
GENESIS = "0" * 64


@dataclass(frozen=True)
class Change:
    """What a use case records: who did what to which thing, and how it looked before and after."""

    actor: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    at: datetime
    request_id: str | None = None
    tenant: str = DEFAULT_TENANT  # whose data changed: only that tenant's supervisors read the entry


@dataclass(frozen=True)
class Entry:
    """A change as the log keeps it: numbered, attributed to its service and linked to the entry before."""

    seq: int
    at: datetime
    service: str
    actor: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    prev_hash: str
    hash: str
    tenant: str = DEFAULT_TENANT


@dataclass(frozen=True)
class Head:
    """The last link of a chain: its sequence number and hash."""

    seq: int
    hash: str


class Break(StrEnum):
    CHANGED = "changed"
    DELETED = "deleted"
    INSERTED = "inserted"


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    reason: Break
    detail: str


@dataclass(frozen=True)
class Verdict:
    checked: int
    head: Head | None
    broken: BrokenLink | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


def plain_json(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """The value as JSON gives it back (ids, times and decimals as strings), so that what is hashed when an
    entry is written is exactly what is read back when it is checked."""
    return None if value is None else json.loads(json.dumps(value, default=str))


def _content(entry: Entry) -> dict[str, Any]:
    content = {
        "seq": entry.seq, "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "service": entry.service, "actor": entry.actor, "action": entry.action, "entity": entry.entity,
        "entity_id": entry.entity_id, "before": entry.before, "after": entry.after, "request_id": entry.request_id,
    }
    if entry.tenant != DEFAULT_TENANT:
        content["tenant"] = entry.tenant
    return content


def canonical_json(entry: Entry) -> str:
    """The entry's content (all but its hashes) as one fixed string: sorted keys, no spaces, UTF-8."""
    return json.dumps(_content(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, entry: Entry) -> str:
    return hashlib.sha256((prev_hash + canonical_json(entry)).encode()).hexdigest()


def seal(change: Change, *, service: str, after_head: Head | None) -> Entry:
    """The entry that follows `after_head` (or starts the chain) and records `change`."""
    seq, prev_hash = (after_head.seq + 1, after_head.hash) if after_head else (1, GENESIS)
    unsealed = Entry(seq=seq, at=change.at.astimezone(UTC), service=service, actor=change.actor,
                     action=change.action, entity=change.entity, entity_id=change.entity_id,
                     before=plain_json(change.before), after=plain_json(change.after), request_id=change.request_id,
                     prev_hash=prev_hash, hash="", tenant=change.tenant)
    return Entry(**{**unsealed.__dict__, "hash": entry_hash(prev_hash, unsealed)})


def verify(entries: Iterable[Entry], head: Head | None) -> Verdict:
    """Walk the entries in sequence order and report the first broken link, if any."""
    link = _Walk()
    for entry in entries:
        broken = link.step(entry)
        if broken:
            return Verdict(checked=link.checked, head=head, broken=broken)
    return Verdict(checked=link.checked, head=head, broken=link.end(head))


class _Walk:
    """The state of a walk along the chain: the last two hashes and the sequence number expected next."""

    def __init__(self) -> None:
        self.checked = 0
        self.last = Head(seq=0, hash=GENESIS)
        self.before_last: str | None = None

    def step(self, entry: Entry) -> BrokenLink | None:
        expected = self.last.seq + 1
        if entry_hash(entry.prev_hash, entry) != entry.hash:
            return BrokenLink(entry.seq, Break.CHANGED, f"entry {entry.seq} does not match its hash")
        if entry.prev_hash != self.last.hash or entry.seq != expected:
            return self._misplaced(entry, expected)
        self.before_last, self.last = self.last.hash, Head(seq=entry.seq, hash=entry.hash)
        self.checked += 1
        return None

    def _misplaced(self, entry: Entry, expected: int) -> BrokenLink:
        last = self.last.seq
        if self.before_last is not None and entry.prev_hash == self.before_last:
            return BrokenLink(last, Break.INSERTED, f"entry {last} was put in: entry {entry.seq} links past it")
        if entry.seq > expected:
            return BrokenLink(expected, Break.DELETED,
                              f"entry {expected} is missing: entry {entry.seq} follows entry {last}")
        if entry.seq < expected:
            return BrokenLink(entry.seq, Break.INSERTED, f"entry {entry.seq} comes again after entry {last}")
        if last == 0:
            return BrokenLink(entry.seq, Break.CHANGED, f"entry {entry.seq} does not start the chain")
        return BrokenLink(last, Break.CHANGED, f"entry {last} is not the one entry {entry.seq} links to")

    def end(self, head: Head | None) -> BrokenLink | None:
        """Compare where the walk ended with the head the appends kept."""
        last = self.last
        if head is None:
            head = Head(seq=0, hash=GENESIS)
        if head.seq > last.seq:
            return BrokenLink(last.seq + 1, Break.DELETED,
                              f"entries {last.seq + 1} to {head.seq} are missing: the chain ends at {last.seq}")
        if head.seq < last.seq:
            return BrokenLink(head.seq + 1, Break.INSERTED,
                              f"entries after {head.seq} were put in: the chain goes on to {last.seq}")
        if head.hash != last.hash:
            return BrokenLink(last.seq, Break.CHANGED, f"entry {last.seq} is not the one the head names")
        return None
