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
    "propose": (5, 3600),
    "report": (20, 3600),
    "rate": (30, 60),
    "subscribe": (10, 3600),
    "correct": (10, 3600),
}


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
    """Count this request; True when the user or the address went over the limit."""
    count, seconds = _limits()[action]
    window = int(time.time() // seconds)
    keys = [f"rl:{action}:ip:{client_address(request)}:{window}"]
    if request.user.is_authenticated:
        keys.append(f"rl:{action}:user:{request.user.pk}:{window}")
    limited = False
    for key in keys:
        cache.add(key, 0, timeout=seconds + 1)
        try:
            current = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=seconds + 1)
            current = 1
        limited = limited or current > count
    return limited


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

