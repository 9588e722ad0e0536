"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

import os
import shutil
import tempfile

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the live server's database work
# happens in its own thread, and the test's own ORM calls are plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_context_factory():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install Debian's chromium (see .ci/run).")
    with sync_playwright() as playwright:
        contexts = []

        def new_context(**options):
            context = playwright.chromium.launch_persistent_context(
                tempfile.mkdtemp(prefix="archipel-chromium-"),
                executable_path=CHROMIUM,
                args=CHROMIUM_ARGS,
                locale="fr-FR",
                **options,
            )
            contexts.append(context)
            return context

        yield new_context
        for context in contexts:
            context.close()


@pytest.fixture
def site(live_server):
    """The live site with the real catalogue (live-server tests empty the database after each)."""
    call_command("load_catalogue", verbosity=0)
    return live_server


@pytest.fixture
def page(browser_context_factory):
    context = browser_context_factory(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
