"""The shared cache with Redis unreachable: participation, log-in, newsletter and API
answer as usual, rate limits go on counting in the database, and one warning is logged.

(The test suite's own default cache is local memory, see archipel/test_settings.py; these
tests set the production caches.)
"""

import logging
import socket

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from archipel.cache import FallbackRedisCache
from proposals.models import Vote

pytestmark = pytest.mark.django_db

DATABASE_CACHE = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "archipel_cache"}
PAGES_DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "archipel_pages",
}
CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused
OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


@pytest.fixture(scope="module", autouse=True)
def cache_table(django_db_setup, django_db_blocker):
    """The database cache's table (`migrate` makes it; made here too, whatever made the
    test database: createcachetable does nothing when it exists)."""
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture
def redis_down():
    """The production caches, Redis unreachable; the breaker closed before and after."""
    FallbackRedisCache._unreachable_until.clear()
    redis = {"BACKEND": "archipel.cache.FallbackRedisCache", "LOCATION": CLOSED_PORT, "OPTIONS": OPTIONS}
    caches_setting = {
        "default": {**redis, "FALLBACK": "database"},
        "database": DATABASE_CACHE,
        "pages": {**redis, "FALLBACK": "pages_database"},
        "pages_database": PAGES_DATABASE_CACHE,
    }
    with override_settings(CACHES=caches_setting):
        yield
    FallbackRedisCache._unreachable_until.clear()


def database_cache_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM archipel_cache")
        return cursor.fetchone()[0]


# The backend ---------------------------------------------------------------------------------


def test_every_operation_is_served_by_the_database_with_one_warning(redis_down, caplog):
    caplog.set_level(logging.WARNING, logger="archipel.cache")
    cache.set("cle", "valeur", 60)
    assert cache.get("cle") == "valeur"
    assert cache.add("compteur", 1) and cache.incr("compteur") == 2
    assert cache.get_or_set("autre", "v") == "v"
    assert cache.get_many(["cle", "autre"]) == {"cle": "valeur", "autre": "v"}
    cache.delete("cle")
    assert not cache.has_key("cle")
    assert caches["database"].get("compteur") == 2

    warnings = [r for r in caplog.records if r.name == "archipel.cache"]
    assert len(warnings) == 1
    assert "Redis unreachable" in warnings[0].getMessage()


def test_redis_is_tried_again_after_a_while(redis_down, caplog):
    caplog.set_level(logging.WARNING, logger="archipel.cache")
    cache.get("cle")
    assert len(caplog.records) == 1
    [state] = FallbackRedisCache._unreachable_until
    FallbackRedisCache._unreachable_until[state] = 0  # RETRY_AFTER has passed
    cache.get("cle")
    assert len(caplog.records) == 2


def test_a_redis_that_answers_is_used_without_the_database(django_assert_num_queries):
    redis_or_skip()
    caches_setting = {
        "default": {
            "BACKEND": "archipel.cache.FallbackRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "OPTIONS": OPTIONS,
            "KEY_PREFIX": "archipel-tests-cache",
        },
        "database": DATABASE_CACHE,
    }
    with override_settings(CACHES=caches_setting), django_assert_num_queries(0):
        cache.set("cle", "valeur", 10)
        assert cache.get("cle") == "valeur"
        cache.delete("cle")


def redis_or_skip():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")


def test_after_an_outage_the_pages_kept_in_redis_are_out_of_date(client):
    """Writes during an outage change the generation in the database cache only: the
    pages Redis kept from before must not come back with it."""
    redis_or_skip()
    # Database 15: the test empties it.
    redis = {"BACKEND": "archipel.cache.FallbackRedisCache", "LOCATION": "redis://127.0.0.1:6379/15"}
    caches_setting = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            **redis,
            "OPTIONS": OPTIONS,
            "KEY_PREFIX": "archipel-tests-pages",
            "FALLBACK": "pages_database",
            "FORGET_ON_RETURN": ["pages:generation"],
        },
        "pages_database": PAGES_DATABASE_CACHE,
    }
    FallbackRedisCache._unreachable_until.clear()
    with override_settings(CACHES=caches_setting):
        caches["pages"].clear()
        client.get("/reseaux/")
        assert client.get("/reseaux/")["X-Page-Cache"] == "hit"
        # An outage has been seen and RETRY_AFTER has passed: Redis is tried again.
        FallbackRedisCache._unreachable_until["redis://127.0.0.1:6379/15 pages_database"] = 0
        assert client.get("/reseaux/")["X-Page-Cache"] == "miss"
        assert client.get("/reseaux/")["X-Page-Cache"] == "hit"
        assert FallbackRedisCache._unreachable_until == {}
        caches["pages"].clear()


# Through HTTP: never a 500 -------------------------------------------------------------------


def test_a_vote_is_recorded_and_rate_limited_without_redis(
    redis_down, settings, proposal, verified_user_factory
):
    settings.ARCHIPEL_RATE_LIMITS = {"vote": (2, 60)}
    client = Client()
    client.force_login(verified_user_factory())
    url = f"/preconisations/{proposal.slug}/vote/"
    assert client.post(url, {"value": "pour"}).status_code == 302
    assert Vote.objects.get().value == "pour"
    assert client.post(url, {"value": "contre"}).status_code == 302
    assert client.post(url, {"value": "pour"}).status_code == 429  # counted in the database
    assert Vote.objects.get().value == "contre"
    assert database_cache_rows() > 0


def test_a_log_in_works_and_failures_are_counted_without_redis(redis_down, client, verified_citizen):
    for _ in range(5):
        assert (
            client.post("/comptes/login/", {"login": verified_citizen.email, "password": "non"}).status_code
            == 200
        )
    response = client.post(
        "/comptes/login/", {"login": verified_citizen.email, "password": "mot-de-passe-de-test"}
    )
    assert "Trop de tentatives" in response.content.decode()  # allauth's limit still counts
    assert "_auth_user_id" not in client.session


def test_a_log_in_succeeds_without_redis(redis_down, client, verified_citizen):
    response = client.post(
        "/comptes/login/", {"login": verified_citizen.email, "password": "mot-de-passe-de-test"}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == verified_citizen.pk


def test_a_newsletter_sign_up_works_without_redis(redis_down, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/nouvelles/inscription/", {"email": "camille@example.org"}, follow=True)
    assert response.status_code == 200
    assert "un courriel de confirmation" in response.content.decode()


def test_the_api_answers_and_throttles_without_redis(redis_down, client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"}}
    statuses = [client.get(f"/api/reseaux/?n={n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]
    assert client.get("/api/reseaux/?n=0")["X-Page-Cache"] == "hit"  # stored in the database


def test_health_says_ok_while_the_database_stands_in_for_redis(redis_down, client):
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json()["cache"] is True
