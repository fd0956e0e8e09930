"""Customers' contact data encrypted at rest: Fernet (AES-CBC with HMAC-SHA256) under keys that can be rotated.

A stored value is ``fernet:`` and a Fernet token. The newest key encrypts and every configured key decrypts
(MultiFernet), so a new key can be put first while rows under older keys still read; `redress intake
rotate-pii-key` then re-encrypts them. A value without the prefix is plaintext written before encryption existed
(by an older replica during a rolling upgrade): it reads as it is, and rotation encrypts it.

The column types find their cipher through the dialect, the one thing SQLAlchemy hands them: the intake unit of
work binds its database's engine to the service's keys, so two apps in one process keep their keys apart.
"""

import json
from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Engine, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator, TypeEngine

PREFIX = "fernet:"
UNREADABLE = ("a stored value cannot be decrypted with any of the configured PII keys (is a key missing from "
              "REDRESS_INTAKE_PII_KEYS?)")
PLAINTEXT, OLDER_KEY, NEWEST_KEY = "plaintext", "older key", "newest key"


class UnreadableValue(ValueError):
    """A stored value that none of the configured keys decrypts: a key is missing, or the value is damaged."""


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


class PiiCipher:
    """Encrypts with the first key, decrypts with any of them."""

    def __init__(self, keys: Sequence[str | bytes]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        self._keys = tuple(key.encode() if isinstance(key, str) else key for key in keys)
        fernets = [Fernet(key) for key in self._keys]
        self._newest, self._any = fernets[0], MultiFernet(fernets)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PiiCipher) and other._keys == self._keys

    def __hash__(self) -> int:
        return hash(self._keys)

    def __repr__(self) -> str:
        return f"PiiCipher({len(self._keys)} keys)"  # never the keys themselves

    def encrypt(self, text: str) -> str:
        return PREFIX + self._any.encrypt(text.encode()).decode("ascii")

    def decrypt(self, stored: str) -> str:
        if not is_sealed(stored):
            return stored
        try:
            return self._any.decrypt(_token(stored)).decode()
        except InvalidToken:
            raise UnreadableValue(UNREADABLE) from None

    def refreshed(self, stored: str) -> tuple[str, str]:
        """The value as the newest key stores it (the same string when it already is), and what it was under:
        PLAINTEXT, OLDER_KEY or NEWEST_KEY."""
        if not is_sealed(stored):
            return self.encrypt(stored), PLAINTEXT
        token = _token(stored)
        try:
            self._newest.decrypt(token)
            return stored, NEWEST_KEY
        except InvalidToken:
            pass
        try:
            return PREFIX + self._any.rotate(token).decode("ascii"), OLDER_KEY
        except InvalidToken:
            raise UnreadableValue(UNREADABLE) from None


def _token(stored: str) -> bytes:
    return stored[len(PREFIX):].encode("ascii")


_bound: "WeakKeyDictionary[Dialect, PiiCipher]" = WeakKeyDictionary()


def bind_cipher(engine: Engine | AsyncEngine, cipher: PiiCipher) -> None:
    """Encrypted columns read and written through this engine use this cipher."""
    bound = _bound.setdefault(engine.dialect, cipher)
    if bound != cipher:
        raise RuntimeError("this database is bound to other PII keys already")


def _cipher_of(dialect: Dialect) -> PiiCipher:
    cipher = _bound.get(dialect)
    if cipher is None:
        raise RuntimeError("no PII keys are bound to this database; open it through the intake unit of work "
                           "or call bind_cipher")
    return cipher


class _Opaque(TypeEngine.Comparator[Any]):
    """Each encryption draws a fresh IV, so `column == value` in SQL would never match: refuse it outright.
    Look rows up by another column (the tracking number) and compare after decryption."""

    def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
        if op in (operators.is_, operators.is_not):
            return super().operate(op, *other, **kwargs)
        raise TypeError("encrypted columns cannot be compared or sorted in SQL")

    def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
        raise TypeError("encrypted columns cannot be compared or sorted in SQL")


class EncryptedText(TypeDecorator[str]):
    """A string stored encrypted; reads give the plaintext back."""

    impl = Text
    cache_ok = True
    comparator_factory = _Opaque

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else _cipher_of(dialect).encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or not is_sealed(value):
            return value
        return _cipher_of(dialect).decrypt(value)


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON document stored encrypted as a whole."""

    impl = Text
    cache_ok = True
    comparator_factory = _Opaque

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return _cipher_of(dialect).encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return json.loads(_cipher_of(dialect).decrypt(value) if is_sealed(value) else value)
