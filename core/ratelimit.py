"""Rate limits on writes (participation, ratings, newsletter sign-ups), per user and per
address, shared through the cache.

The cache is shared by every gunicorn worker (Redis with REDIS_URL, the database
otherwise); behind a proxy, TRUSTED_PROXY_COUNT says where the client's address is.
"""

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

# action: (requests, seconds) per user and, separately, per address.
DEFAULT_LIMITS = {
    "vote": (60, 60),
    "comment": (10, 60),
    "comment_edit": (10, 60),
    "propose": (5, 3600),
    "proposal_edit": (10, 3600),
    "report": (20, 3600),
    "rate": (30, 60),
    "subscribe": (10, 3600),
    "correct": (10, 3600),
    "export": (5, 3600),
    "meeting_register": (20, 3600),
}


# Counters per window: the finer, the closer the limit to its window (a limited user
# waits at most one bucket, a tenth of the window, more than the window itself).
BUCKETS = 10


def _now() -> float:
    """The clock of the limits (the tests set it)."""
    return time.time()


def _limits() -> dict:
    return {**DEFAULT_LIMITS, **getattr(settings, "ARCHIPEL_RATE_LIMITS", {})}


def client_address(request) -> str:
    """The client's address, as TRUSTED_PROXY_COUNT says to read it.

    Without a trusted proxy (0) it is the connection's address: X-Forwarded-For is
    whatever the client wrote, and a new value per request would escape every limit.
    Behind N proxies, each appends the address it saw, so the N-th address from the
    right was written by our outermost proxy: the client. Read as Django REST
    framework's NUM_PROXIES and allauth's ALLAUTH_TRUSTED_PROXY_COUNT read it (the
    three are derived from the same setting).
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        addresses = forwarded.split(",")
        return addresses[-min(count, len(addresses))].strip()
    return request.META.get("REMOTE_ADDR", "")


def is_limited(request, action: str) -> bool:
    """Count this request; True when the user or the address went over the limit.

    A sliding window, not fixed ones: fixed minute windows let 2N actions through around
    a boundary (N at 0:59, N more at 1:00). The window is cut into BUCKETS counters; an
    action is accepted when the counters of its bucket and the BUCKETS before it (a span a
    little longer than the window, which contains the window before every moment of the
    current bucket) hold at most N actions, its own included. So no window of the
    configured length ever holds more than N accepted actions; a refused action is taken
    back, so that a user waiting for the limit is not kept out longer by each retry.

    Only `cache.add`, `cache.incr`, `cache.decr` and `cache.get_many`: the same on Redis
    (atomic increments), the database cache and locmem.
    """
    count, seconds = _limits()[action]
    width = seconds / BUCKETS
    bucket = int(_now() // width)
    timeout = int(seconds + 2 * width) + 1
    owners = [f"ip:{client_address(request)}"]
    if request.user.is_authenticated:
        owners.append(f"user:{request.user.pk}")
    counted = []
    earlier = []
    for owner in owners:
        prefix = f"rl:{action}:{seconds}:{owner}:"
        counted.append(prefix + str(bucket))
        earlier.append([prefix + str(b) for b in range(bucket - BUCKETS, bucket)])
    totals = [_increment(key, timeout) for key in counted]
    previous = cache.get_many([key for keys in earlier for key in keys])
    limited = any(
        total + sum(previous.get(key, 0) for key in keys) > count
        for total, keys in zip(totals, earlier, strict=True)
    )
    if limited:
        for key in counted:
            try:
                cache.decr(key)
            except ValueError:  # expired meanwhile: nothing to take back
                pass
    return limited


def _increment(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1


def rate_limit(action: str):
    """Decorate a POST view: over the limit, a French 429 page and nothing written."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and is_limited(request, action):
                return render(request, "429.html", {"action": action}, status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
