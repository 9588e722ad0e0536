"""Site-wide middleware: the page's language, the Content-Security-Policy and the request log."""

import logging
import re
import time
import uuid

from django.conf import settings
from django.utils import translation
from django.utils.functional import SimpleLazyObject, empty

from archipel import logs

request_logger = logging.getLogger("archipel.request")


class LanguageFromPathMiddleware:
    """The page's language comes from its address alone: French at today's addresses,
    English under /en/ (`i18n_patterns` with `prefix_default_language=False`). Never
    from a cookie or the Accept-Language header, as Django's LocaleMiddleware would: one
    address is one page for every visitor, which any cache can keep (core.pagecache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ContentSecurityPolicyMiddleware:
    """Pages load only the site's own files: no CDN, no third-party fonts or scripts."""

    POLICY = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The admin uses inline scripts and styles of its own; it is staff only.
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", self.POLICY)
        return response


class RequestLogMiddleware:
    """One line on the `archipel.request` logger per request, and its request id.

    The id comes from the proxy's `X-Request-ID` when it is a plausible one (a client
    could send anything: a line break or a megabyte would spoil the logs), else a new
    one; it is sent back in the response's `X-Request-ID` so that a user's report, the
    proxy's log and ours can be matched. The line says who by user id only, never by
    e-mail. First in MIDDLEWARE, so that the duration covers every other middleware.
    """

    REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,100}")
    # URL parameters that are secrets: a log reader must not be able to use the link
    # (e-mail confirmation, password reset, newsletter confirmation).
    SECRET_PARAMETERS = frozenset({"key", "token", "uidb36", "uidb64"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if self.REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        token = logs.request_id.set(request.request_id)
        try:
            response = self.get_response(request)
            response.headers["X-Request-ID"] = request.request_id
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            path = self._loggable_path(request)
            request_logger.info(
                "%s %s %s %.1fms",
                request.method,
                path,
                response.status_code,
                duration_ms,
                extra={
                    "request_id": request.request_id,
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": self._user_id(request),
                },
            )
            return response
        finally:
            logs.request_id.reset(token)

    def _loggable_path(self, request) -> str:
        """The path without its query string (where a search or an address could be),
        and the route's pattern instead of the path when the path holds a secret."""
        match = getattr(request, "resolver_match", None)
        if match is not None and self.SECRET_PARAMETERS & set(match.kwargs):
            return "/" + match.route
        return request.path

    @staticmethod
    def _user_id(request):
        """The signed-in user's id when the request already looked its user up: looking
        it up here would cost a session query on requests that never needed it."""
        user = getattr(request, "user", None)
        if isinstance(user, SimpleLazyObject) and user._wrapped is empty:
            return None
        return user.pk if user is not None and user.is_authenticated else None
