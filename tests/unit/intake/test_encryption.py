from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Column, Engine, Integer, MetaData, Table, create_engine, insert, select, text

from services.intake.encryption import (
    NEWEST_KEY,
    OLDER_KEY,
    PLAINTEXT,
    PREFIX,
    EncryptedJSON,
    EncryptedText,
    PiiCipher,
    UnreadableValue,
    bind_cipher,
)

OLD, NEW, OTHER = (Fernet.generate_key().decode() for _ in range(3))


def test_an_encrypted_value_carries_the_prefix_and_not_the_text():
    stored = PiiCipher([NEW]).encrypt("ann.lee@example.com")
    assert stored.startswith(PREFIX)
    assert "ann" not in stored and "example" not in stored


def test_the_same_text_encrypts_differently_each_time():
    cipher = PiiCipher([NEW])
    assert cipher.encrypt("Ann Lee") != cipher.encrypt("Ann Lee")


def test_the_newest_key_encrypts_and_every_key_decrypts():
    old_value = PiiCipher([OLD]).encrypt("+1 415 555 0100")
    rotated = PiiCipher([NEW, OLD])
    assert rotated.decrypt(old_value) == "+1 415 555 0100"
    assert PiiCipher([NEW]).decrypt(rotated.encrypt("李雷")) == "李雷"


def test_plaintext_from_before_encryption_reads_as_it_is():
    assert PiiCipher([NEW]).decrypt("Ann Lee") == "Ann Lee"


def test_a_value_no_configured_key_opens_is_refused():
    stored = PiiCipher([OTHER]).encrypt("Ann Lee")
    with pytest.raises(UnreadableValue, match="REDRESS_INTAKE_PII_KEYS"):
        PiiCipher([NEW, OLD]).decrypt(stored)
    with pytest.raises(UnreadableValue):
        PiiCipher([NEW, OLD]).refreshed(stored)


def test_refreshing_moves_values_under_the_newest_key_and_leaves_current_ones_alone():
    cipher = PiiCipher([NEW, OLD])
    from_old, was_old = cipher.refreshed(PiiCipher([OLD]).encrypt("Ann Lee"))
    from_plain, was_plain = cipher.refreshed("ann.lee@example.com")
    current = cipher.encrypt("0100")
    assert (was_old, was_plain) == (OLDER_KEY, PLAINTEXT)
    assert PiiCipher([NEW]).decrypt(from_old) == "Ann Lee"
    assert PiiCipher([NEW]).decrypt(from_plain) == "ann.lee@example.com"
    assert cipher.refreshed(current) == (current, NEWEST_KEY)


def test_a_cipher_needs_a_key_and_never_shows_it():
    with pytest.raises(ValueError):
        PiiCipher([])
    assert NEW not in repr(PiiCipher([NEW])) and NEW not in str(PiiCipher([NEW]))


metadata = MetaData()
contact = Table("contact", metadata, Column("id", Integer, primary_key=True), Column("email", EncryptedText()),
                Column("payload", EncryptedJSON()))


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def _write(engine: Engine, **values: Any) -> None:
    with engine.begin() as connection:
        connection.execute(insert(contact).values(**values))


def test_the_column_types_store_ciphertext_and_read_plaintext(engine):
    bind_cipher(engine, PiiCipher([NEW]))
    _write(engine, id=1, email="ann.lee@example.com", payload={"customer_name": "Ann Lee", "n": 1})
    _write(engine, id=2, email=None, payload=None)
    with engine.connect() as connection:
        raw = connection.execute(text("SELECT email, payload FROM contact ORDER BY id")).all()
        read = connection.execute(select(contact.c.email, contact.c.payload).order_by(contact.c.id)).all()
    assert raw[0][0].startswith(PREFIX) and raw[0][1].startswith(PREFIX) and "Ann" not in raw[0][1]
    assert raw[1] == (None, None)
    assert [tuple(row) for row in read] == [("ann.lee@example.com", {"customer_name": "Ann Lee", "n": 1}),
                                            (None, None)]


def test_plaintext_rows_read_as_they_are_even_without_keys(engine):
    with engine.begin() as connection:
        connection.execute(text("""INSERT INTO contact VALUES (1, 'ann@example.com', '{"a": 1}')"""))
    with engine.connect() as connection:
        assert tuple(connection.execute(select(contact.c.email, contact.c.payload)).one()) == (
            "ann@example.com", {"a": 1})


def test_writing_through_an_engine_without_keys_is_refused(engine):
    with pytest.raises(Exception, match="no PII keys"):
        _write(engine, id=1, email="ann@example.com")


def test_an_engine_keeps_the_keys_it_was_bound_to(engine):
    bind_cipher(engine, PiiCipher([NEW]))
    bind_cipher(engine, PiiCipher([NEW]))
    with pytest.raises(RuntimeError, match="other PII keys"):
        bind_cipher(engine, PiiCipher([OTHER]))


def test_encrypted_columns_cannot_be_compared_in_sql():
    with pytest.raises(TypeError, match="cannot be compared"):
        select(contact).where(contact.c.email == "ann@example.com")
    with pytest.raises(TypeError):
        select(contact).order_by(contact.c.email.desc())
    assert select(contact).where(contact.c.email.is_(None)) is not None
