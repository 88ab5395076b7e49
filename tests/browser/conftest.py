"""Real Chromium through Playwright, against pytest-django's live server."""
import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("MEDIADMIN_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# This machine has no internet: keep Chromium from calling home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(items):
    """Everything under tests/browser/ is a browser test."""
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session (Debian's; `make test` installs it)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` (it installs it) "
                    "or `apt-get install chromium`, or set MEDIADMIN_CHROMIUM.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def login(page, live_server, user, password="password"):
    """Log a page in to the admin through the login form."""
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


@pytest.fixture
def staff_page(page, live_server, admin_user):
    """A page logged in to the admin as a superuser."""
    login(page, live_server, admin_user)
    return page


@pytest.fixture
def screenshot():
    """Save a screenshot of a page (or element) under docs/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(target, name):
        path = SCREENSHOTS / f"{name}.png"
        target.screenshot(path=str(path))
        return path
    return _shot
