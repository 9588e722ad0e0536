"""/sante/ (readiness: database, cache, queue) and /vie/ (liveness: the process alone)."""

import pytest
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError, connection
from django.test import override_settings

pytestmark = pytest.mark.django_db


class UnreachableCache(BaseCache):
    """A cache whose server does not answer, with no fallback."""

    def __init__(self, location, params):
        super().__init__(params)

    def _fail(self, *args, **kwargs):
        raise ConnectionError("le serveur de cache ne répond pas")

    add = get = set = touch = delete = has_key = incr = clear = _fail


class ForgetfulCache(LocMemCache):
    """A cache that takes every write and keeps none."""

    def set(self, *args, **kwargs):
        pass


def cache_backend(cls) -> override_settings:
    pages = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "health-pages"}
    return override_settings(CACHES={"default": {"BACKEND": f"{__name__}.{cls.__name__}"}, "pages": pages})


def test_it_is_ready_when_the_database_cache_and_queue_answer(client):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "cache": True, "queue": True}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("backend", [UnreachableCache, ForgetfulCache])
def test_it_is_not_ready_when_the_cache_fails(client, backend):
    with cache_backend(backend):
        response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json() == {"status": "indisponible", "database": True, "cache": False, "queue": True}


def test_it_is_not_ready_when_the_queue_table_does_not_answer(client):
    # Undone with the test's transaction.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE procrastinate_jobs RENAME TO procrastinate_jobs_ailleurs")
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json() == {"status": "indisponible", "database": True, "cache": True, "queue": False}


def test_it_is_not_ready_when_the_database_does_not_answer(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise DatabaseError("connexion perdue")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json() == {"status": "indisponible", "database": False, "cache": True, "queue": False}


def test_liveness_touches_neither_the_database_nor_the_cache(client, django_assert_num_queries):
    with cache_backend(UnreachableCache), django_assert_num_queries(0):
        response = client.get("/vie/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_liveness_answers_while_the_database_is_down(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    monkeypatch.setattr(CursorWrapper, "execute", lambda *args, **kwargs: 1 / 0)
    assert client.get("/vie/").status_code == 200


@pytest.mark.parametrize("url", ["/sante/", "/vie/"])
def test_load_balancer_probes_in_plain_http_are_not_redirected(client, settings, url):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(url).status_code == 200
    redirected = client.get("/mentions-legales/")
    assert redirected.status_code == 301 and redirected["Location"].startswith("https://")


def test_health_answers_only_get_and_head(client):
    assert client.post("/sante/").status_code == 405
    assert client.post("/vie/").status_code == 405
