"""Browser tests drive Debian's Chromium (/usr/bin/chromium) headless through Playwright; they skip when it is
not installed (no browser is ever downloaded). Apps are served on a free port with uvicorn; screenshots go to
tests/artifacts/ (ignored by git), or to the folder REDRESS_TEST_ARTIFACTS names."""

import contextlib
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("REDRESS_TEST_ARTIFACTS") or Path(__file__).parents[1] / "artifacts")


@pytest.fixture
def chromium() -> str:
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"no Chromium at {CHROMIUM} (install Debian's chromium package; no browser is downloaded)")
    pytest.importorskip("playwright.async_api", reason="Playwright is not installed")
    return CHROMIUM


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@contextlib.asynccontextmanager
async def browser_page(executable: str, **page_options: Any) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, headless=True,
                                                   args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield await browser.new_page(**page_options)
        finally:
            await browser.close()
