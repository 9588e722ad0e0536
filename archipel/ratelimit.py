"""Rate limits on writes (participation, ratings, newsletter sign-ups), per user and per
address, shared through the cache.

With REDIS_URL set the cache is Redis, so every gunicorn worker counts together.
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
}


def _limits() -> dict:
    return {**DEFAULT_LIMITS, **getattr(settings, "ARCHIPEL_RATE_LIMITS", {})}


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def is_limited(request, action: str) -> bool:
    """Count this request; True when the user or the address went over the limit."""
    count, seconds = _limits()[action]
    window = int(time.time() // seconds)
    keys = [f"rl:{action}:ip:{_client_address(request)}:{window}"]
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
