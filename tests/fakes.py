"""In-memory stand-ins for unit tests of use cases. `tests/integration/shared/test_fakes_parity.py` runs the
same scenarios through these and the real classes, so they cannot drift apart."""

from types import TracebackType
from typing import Self

from shared.contracts import Event


class FakeUnitOfWork:
    """Behaves like shared.db.UnitOfWork: re-entrant, emits only on commit, one inbox claim per event."""

    def __init__(self) -> None:
        self.emitted: list[Event] = []
        self.commits = 0
        self.inbox: set[tuple[str, str]] = set()
        self._pending: list[Event] = []
        self._pending_inbox: set[tuple[str, str]] = set()
        self._depth = 0

    @property
    def committed(self) -> bool:
        return self.commits > 0

    async def __aenter__(self) -> Self:
        self._depth += 1
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        self._depth -= 1
        if self._depth == 0:
            await self.rollback()

    def emit(self, event: Event) -> None:
        self._pending.append(event)

    async def commit(self) -> None:
        self.emitted += self._pending
        self.inbox |= self._pending_inbox
        self._pending, self._pending_inbox = [], set()
        self.commits += 1

    async def rollback(self) -> None:
        self._pending, self._pending_inbox = [], set()

    async def claim_inbox(self, *, consumer: str, event_id: str) -> bool:
        claim = (consumer, event_id)
        if claim in self.inbox or claim in self._pending_inbox:
            return False
        self._pending_inbox.add(claim)
        return True
