"""Public forms that carry no CSRF token: the check is on the browser's Origin instead.

The newsletter's sign-up form is in the footer of every page, and pages that every
anonymous visitor shares (core.pagecache) can hold no per-visitor token. The sign-up is
harmless (double opt-in, rate-limited), and what a token would stop, another site
making a visitor's browser post the form, the Origin header stops too: browsers send it
with every POST, and no page can forge it. Without Origin the Referer's origin is read;
a client that sends neither is not a browser, and no browser's cookies ride with it.
"""

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt


def request_origin(request) -> str | None:
    """The origin the browser says the request comes from, or None when it says none."""
    origin = request.headers.get("Origin")
    if origin is None and "Referer" in request.headers:
        referer = urlsplit(request.headers["Referer"])
        origin = f"{referer.scheme}://{referer.netloc}"
    return origin


def same_origin_only(view):
    """The view, without Django's CSRF token check, refusing (403) a POST that a page of
    another site made: the site's own origin and CSRF_TRUSTED_ORIGINS are accepted."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        origin = request_origin(request)
        if origin is not None:
            allowed = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
            if origin not in allowed:
                raise PermissionDenied(_("Ce formulaire ne peut être envoyé que depuis une page de ce site."))
        return view(request, *args, **kwargs)

    return wrapper
