import pytest
from django.core.management import call_command

pytest_plugins = ["tests.factories", "tests.jobs", "tests.queries"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database holds the real catalogue from fixtures/, loaded once."""
    with django_db_blocker.unblock():
        call_command("load_catalogue", verbosity=0)


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters and stored pages live in caches: every test starts with none."""
    from django.core.cache import caches

    caches["default"].clear()
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def pages_change_at_once(monkeypatch):
    """Most tests run inside a transaction that never commits, where a write would never
    make the stored pages out of date (core.pagecache counts a write when it commits):
    here it counts at once. tests/archipel/test_page_cache.py tests the commit rule."""
    from core.pagecache import changes

    monkeypatch.setattr(changes, "at_once", True)


@pytest.fixture(autouse=True)
def french_by_default():
    """Every test starts in French: a request leaves its language active in the thread
    (LocaleMiddleware), which must not decide what the next test sees."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
