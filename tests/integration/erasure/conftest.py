"""Intake alone for the erasure tests; the four services together come from tests/integration/conftest.py."""

import contextlib
from collections.abc import Callable

import pytest

from tests.integration.intake.conftest import Intake, running_intake


@pytest.fixture
def start_intake(database_url: str, broker) -> Callable[..., contextlib.AbstractAsyncContextManager[Intake]]:
    """Intake alone, with settings of the test's choosing, and a consumer group at the end of the topics."""
    return lambda **overrides: running_intake(database_url, broker.bootstrap, **overrides)
