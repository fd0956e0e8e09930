"""contact data encrypted at rest

Revision ID: 0007
Revises: 0006

The customer's name, e-mail address and phone number and the notifications' destinations and payloads (which copy
the address and the name) become TEXT, wide enough for ciphertext, and the rows already there are encrypted with the
keys the service reads (REDRESS_INTAKE_PII_KEYS, or the key file in the data directory). On SQLite the complaint's
columns are replaced one at a time (add, copy, drop, rename) rather than by rebuilding the table: dropping the old
table would cascade to the complaints' steps, promises and notifications.
"""

import sqlalchemy as sa
from alembic import op

from services.intake.encryption import PLAINTEXT, PiiCipher
from services.intake.rotation import Change, SealedColumns, change_batch

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COMPLAINT = SealedColumns("complaint", ("customer_name", "customer_email", "customer_phone"))
NOTIFICATION = SealedColumns("notification", ("destination", "payload"))
PLAIN_TYPES = {"customer_name": sa.String(200), "customer_email": sa.String(320), "customer_phone": sa.String(40),
               "destination": sa.String(2000), "payload": sa.JSON()}
BATCH = 1000


def upgrade() -> None:
    _retype_complaint({name: sa.Text() for name in COMPLAINT.columns})
    with op.batch_alter_table("notification") as batch_op:
        batch_op.alter_column("destination", type_=sa.Text(), existing_type=PLAIN_TYPES["destination"],
                              existing_nullable=False)
        batch_op.alter_column("payload", type_=sa.Text(), existing_type=PLAIN_TYPES["payload"],
                              existing_nullable=False, postgresql_using="payload::text")
    if _any_rows():
        cipher = _cipher()
        _change_all(cipher.refreshed)


def downgrade() -> None:
    if _any_rows():
        cipher = _cipher()
        _change_all(lambda stored: (cipher.decrypt(stored), PLAINTEXT))
    _retype_complaint({name: PLAIN_TYPES[name] for name in COMPLAINT.columns})
    with op.batch_alter_table("notification") as batch_op:
        batch_op.alter_column("destination", type_=PLAIN_TYPES["destination"], existing_type=sa.Text(),
                              existing_nullable=False)
        batch_op.alter_column("payload", type_=PLAIN_TYPES["payload"], existing_type=sa.Text(),
                              existing_nullable=False, postgresql_using="payload::json")


def _retype_complaint(types: dict[str, sa.types.TypeEngine]) -> None:
    if op.get_bind().dialect.name != "sqlite":
        for name, new_type in types.items():
            op.alter_column("complaint", name, type_=new_type, existing_nullable=True)
        return
    for name, new_type in types.items():
        op.add_column("complaint", sa.Column(f"{name}_retyped", new_type, nullable=True))
        op.execute(f"UPDATE complaint SET {name}_retyped = {name}")
        op.execute(f"ALTER TABLE complaint DROP COLUMN {name}")
        op.execute(f"ALTER TABLE complaint RENAME COLUMN {name}_retyped TO {name}")


def _any_rows() -> bool:
    connection = op.get_bind()
    return any(connection.scalar(sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1))
               for name in (COMPLAINT.table, NOTIFICATION.table))


def _cipher() -> PiiCipher:
    """The keys as the service reads them; loaded only when there are rows, so an empty database needs none. A key
    file is made only for SQLite, which lives in the data directory where the service will find it; a key made by
    a job migrating PostgreSQL would be lost with the job's volume, and the data with it."""
    from services.intake.pii_keys import pii_cipher
    from services.intake.settings import IntakeSettings

    return pii_cipher(IntakeSettings(), generate=op.get_bind().dialect.name == "sqlite")


def _change_all(change: Change) -> None:
    connection = op.get_bind()
    for sealed in (COMPLAINT, NOTIFICATION):
        after = None
        while True:
            batch = change_batch(connection, sealed, change, after=after, limit=BATCH)
            if batch.rows < BATCH:
                break
            after = batch.last_id

