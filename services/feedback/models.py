"""Tables of the feedback database. The messaging tables (outbox, inbox) come from shared.messaging.tables."""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

metadata = MetaData()


class Base(DeclarativeBase):
    metadata = metadata
