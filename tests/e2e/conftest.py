"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

import os
import shutil
import tempfile

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

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


# What Django's flush leaves alone: never copied back.
NOT_SNAPSHOTTED = {"django_migrations"}
# What flush's post_migrate fills again, with other ids than the first migrate gave them
# (the roles migration made some permissions first): emptied before the copy goes back,
# so that the groups' permissions point at the same rows as at first.
REFILLED = ["auth_permission", "django_content_type"]
_catalogue = {}  # table -> its rows in PostgreSQL's COPY text format, once loaded


def _snapshot_catalogue():
    tables = set(connection.introspection.django_table_names(only_existing=True)) - NOT_SNAPSHOTTED
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"SELECT EXISTS (SELECT FROM {connection.ops.quote_name(table)})")
            if cursor.fetchone()[0]:
                with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
                    _catalogue[table] = b"".join(copy)


def _restore_catalogue():
    """The rows of the first load, into the tables the last live-server test flushed."""
    models = [model for model in apps.get_models() if model._meta.db_table in _catalogue]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(f"TRUNCATE {', '.join(REFILLED)} CASCADE")
        for table, rows in _catalogue.items():
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as copy:
                copy.write(rows)
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    from django.contrib.contenttypes.models import ContentType  # scripts/screenshots.py imports this module

    ContentType.objects.clear_cache()


@pytest.fixture
def site(live_server):
    """The live site with the real catalogue (live-server tests empty the database after each).

    load_catalogue runs once; later tests get a copy of the rows it wrote (COPY, about ten
    times faster), the same rows with the same ids.
    """
    if _catalogue:
        _restore_catalogue()
    else:
        call_command("load_catalogue", verbosity=0)
        _snapshot_catalogue()
    return live_server


@pytest.fixture
def page(browser_context_factory):
    context = browser_context_factory(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
