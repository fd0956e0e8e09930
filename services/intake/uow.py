from collections.abc import Callable
from weakref import WeakKeyDictionary

from services.intake.encryption import PiiCipher, bind_cipher
from services.intake.notifications.repository import NotificationRepository
from services.intake.repository import ComplaintRepository
from shared.audit.uow import AuditedUnitOfWork
from shared.db import Database

# Who to tell when notifications were committed (the delivery job), per database; apart from the relay's
# listeners, so that a queued notification wakes only the job that sends it.
_notification_listeners: "WeakKeyDictionary[Database, list[Callable[[], None]]]" = WeakKeyDictionary()


def on_notifications_committed(database: Database, listener: Callable[[], None]) -> None:
    _notification_listeners.setdefault(database, []).append(listener)


class IntakeUow(AuditedUnitOfWork):
    # Set when the transaction queued notifications, so that the delivery job wakes on commit, not on its poll.
    queued_notifications = False

    def __init__(self, database: Database, *, source: str, cipher: PiiCipher) -> None:
        super().__init__(database, source=source)
        # The contact data's column types find the keys through the engine (see encryption.py).
        bind_cipher(database.engine, cipher)

    @property
    def complaints(self) -> ComplaintRepository:
        return ComplaintRepository(self.session)

    @property
    def notifications(self) -> NotificationRepository:
        return NotificationRepository(self.session)

    async def commit(self) -> None:
        queued, self.queued_notifications = self.queued_notifications, False
        await super().commit()
        if queued:
            for listener in _notification_listeners.get(self.database, ()):
                listener()


def uow_factory(cipher: PiiCipher) -> Callable[..., IntakeUow]:
    def new(database: Database, *, source: str) -> IntakeUow:
        return IntakeUow(database, source=source, cipher=cipher)

    return new
