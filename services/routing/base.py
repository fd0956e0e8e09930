"""The declarative base every table of the routing database derives from."""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from shared.audit.tables import include_audit_tables
from shared.auth.tables import include_auth_tables

metadata = MetaData()
include_audit_tables(metadata)  # the audit log every service keeps
include_auth_tables(metadata)  # the API keys every service checks


class Base(DeclarativeBase):
    metadata = metadata
