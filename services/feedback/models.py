"""Tables of the feedback database. The messaging tables (outbox, inbox) come from shared.messaging.tables.

This module is the root migrations/env.py reads: importing it imports every package's tables."""

from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.audit.tables import include_audit_tables
from shared.auth.tables import include_auth_tables
from shared.contracts.base import DEFAULT_TENANT

metadata = MetaData()
include_audit_tables(metadata)  # the audit log every service keeps
include_auth_tables(metadata)  # the API keys every service checks


class Base(DeclarativeBase):
    metadata = metadata


def tenant_column() -> Mapped[str]:
    """The organisation a row belongs to: the tenant of the event that made it, or of the caller for rows made
    through HTTP; rows from before tenants belong to `default`. Endpoints filter on it with the caller's tenant."""
    return mapped_column(String(64), server_default=DEFAULT_TENANT)


# The packages' tables register on `metadata` when imported; they import Base from here, so they come last.
from services.feedback.analytics import models as _analytics  # noqa: E402, F401
from services.feedback.cases import models as _cases  # noqa: E402, F401
from services.feedback.evaluations import models as _evaluations  # noqa: E402, F401
from services.feedback.followups import models as _followups  # noqa: E402, F401
from services.feedback.qa import models as _qa  # noqa: E402, F401
from services.feedback.surveys import models as _surveys  # noqa: E402, F401
