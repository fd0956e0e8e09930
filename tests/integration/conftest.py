"""Fixtures every integration folder may use."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.integration.four_services import Services, four_services


@pytest.fixture
async def services(tmp_path: Path, broker) -> AsyncIterator[Services]:
    """The four services in-process on databases of their own, following the shared broker from now on."""
    async with four_services(tmp_path, broker.bootstrap) as running:
        yield running
