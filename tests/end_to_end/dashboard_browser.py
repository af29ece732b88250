"""Headless Chromium (Debian's) driven by Playwright, to read the dashboard as a person sees it."""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Debian's Chromium; CI installs it, so only a developer machine may skip without it."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed: .ci/run must install Debian's chromium package")
    pytest.skip("chromium is not installed (apt-get install chromium)")


@contextmanager
def open_page(html_file: Path, width: int = 1400, height: int = 1000) -> Iterator[tuple]:
    """The dashboard loaded from disk; yields (page, errors) where errors collects every console
    error and uncaught exception."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exception: errors.append(str(exception)))
            page.goto(html_file.resolve().as_uri())
            page.wait_for_function("window.dashboardReady === true", timeout=60_000)
            yield page, errors
        finally:
            browser.close()
