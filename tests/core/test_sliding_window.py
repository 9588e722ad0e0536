"""Rate limits count over a sliding window: at most N actions in any window of the
configured length, a minute's boundary included (fixed minute windows let 2N through:
N at 0:59, N more at 1:00). The clock is core.ratelimit's, set by each test."""

import pytest
from django.core.cache import caches
from django.test import Client, RequestFactory

from core import ratelimit
from proposals.models import Vote
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

START = 1_800_000_000.0  # a minute's boundary: 30 000 000 minutes


@pytest.fixture
def clock(monkeypatch):
    now = {"time": START}
    monkeypatch.setattr(ratelimit, "_now", lambda: now["time"])

    def set_to(seconds_after_start):
        now["time"] = START + seconds_after_start

    return set_to


@pytest.fixture(params=["default", "database"])
def counters(request, monkeypatch):
    """The counters in the tests' locmem cache, then in the database cache of production
    without Redis (Redis is tested through archipel.cache's fallback in tests/archipel)."""
    cache = caches[request.param]
    cache.clear()
    monkeypatch.setattr(ratelimit, "cache", cache)
    yield cache
    cache.clear()


def _request(address="203.0.113.7"):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().post("/", REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return request


def accepted(count, action="vote", address="203.0.113.7"):
    return sum(not ratelimit.is_limited(_request(address), action) for _ in range(count))


def test_n_before_a_boundary_and_one_after_it_is_refused(settings, clock, counters):
    settings.ARCHIPEL_RATE_LIMITS = {"vote": (5, 60)}
    clock(-1)  # 0:59
    assert accepted(5) == 5
    clock(1)  # 1:01, a new fixed minute
    assert accepted(1) == 0
    clock(30)
    assert accepted(3) == 0


def test_twice_n_across_a_boundary_gives_n(settings, clock, counters):
    settings.ARCHIPEL_RATE_LIMITS = {"vote": (60, 60)}
    clock(-3.3)
    first = accepted(40)
    clock(3.4)
    assert first + accepted(40) == 60


def test_actions_are_accepted_again_once_the_window_has_passed(settings, clock, counters):
    settings.ARCHIPEL_RATE_LIMITS = {"vote": (5, 60)}
    clock(-1)
    assert accepted(5) == 5
    clock(59 + 60 * (1 + 1 / ratelimit.BUCKETS) + 0.1)  # the window and one bucket later
    assert accepted(5) == 5
    assert accepted(1) == 0


def test_in_no_window_of_the_configured_length_are_more_than_n_accepted(settings, clock, counters):
    settings.ARCHIPEL_RATE_LIMITS = {"vote": (10, 60)}
    times = []
    for step in range(400):  # one attempt every 0.7 s for 280 s
        clock(step * 0.7)
        if not ratelimit.is_limited(_request(), "vote"):
            times.append(step * 0.7)
    assert times
    for start in times:
        assert len([t for t in times if start <= t < start + 60]) <= 10
    assert len(times) >= 30  # and it still lets a steady user through


def test_each_address_and_action_counts_apart(settings, clock, counters):
    settings.ARCHIPEL_RATE_LIMITS = {"vote": (2, 60), "comment": (2, 60)}
    assert accepted(3) == 2
    assert accepted(2, address="198.51.100.1") == 2
    assert accepted(2, action="comment") == 2


def test_a_vote_over_the_limit_across_a_boundary_is_a_french_429(settings, clock, proposal, verified_citizen):
    settings.ARCHIPEL_RATE_LIMITS = {"vote": (2, 60)}
    client = Client()
    client.force_login(verified_citizen)
    url = f"/preconisations/{proposal.slug}/vote/"
    clock(-0.5)
    assert client.post(url, {"value": "pour"}).status_code == 302
    assert client.post(url, {"value": "contre"}).status_code == 302
    clock(0.5)
    response = client.post(url, {"value": "pour"})
    assert response.status_code == 429
    assert "Trop de demandes" in visible_text(response)
    assert Vote.objects.get().value == "contre"
