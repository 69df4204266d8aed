"""Debian's Chromium driven by Playwright (never a downloaded browser), for the bot's e2e tests."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from typing import Any, Iterator

import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE_VIEWPORT = {"width": 360, "height": 740}


def chromium_path() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not shutil.which(path):
        pytest.fail("Debian package chromium is missing: apt-get install chromium (make test installs it)")
    return path


@contextmanager
def chromium_page(**context_options: Any) -> Iterator[Page]:
    """A page in a fresh headless Chromium with a phone-sized window; the browser closes after."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=PHONE_VIEWPORT, **context_options)
            yield context.new_page()
            context.close()
        finally:
            browser.close()
