"""The anonymous page cache: each page built once per change of the content, then served
to every anonymous visitor from the shared cache, with validators for browsers, proxies
and CDNs. One mechanism, here; views know nothing of it.

What counts as a change: any INSERT, UPDATE, DELETE or TRUNCATE on a table of the apps
in `settings.PAGE_CACHE_CONTENT_APPS`, seen by a database execute wrapper, so that the
ORM, bulk operations, imports, the admin, the workers and raw SQL all count. When the
transaction commits (at once in autocommit), the *generation*, a random token in the
"pages" cache, is replaced, and `content_changed` is sent with the tables written.

What is stored: the answer to an anonymous GET (no session or messages cookie, no
Authorization header) that is a 200, sets no cookie (a page holding a CSRF token sets
one), is not streamed and left Cache-Control to us; stored with the generation read
*before* the page was built, so that a page built during a write never outlives it.

What is served: the stored answer while the generation is the same, a 304 to a
conditional GET whose ETag matches, and the headers that let any cache keep it
(`Cache-Control: public`, an `ETag`, no `Vary: Cookie`). Personal answers (the request
carried a session) are `private, no-store`. Signing in or out clears the browser's cache
of the site (`Clear-Site-Data`), so that no anonymous copy shows after signing in.
"""

import hashlib
import logging
import re
import secrets
import zlib
from functools import partial

from django.apps import apps
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.cache import caches
from django.db import transaction
from django.db.backends.signals import connection_created
from django.dispatch import Signal, receiver
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.functional import cached_property

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
GENERATION_KEY = "pages:generation"
# Sent after each committed change, with `tables`: the set of tables written.
content_changed = Signal()

# The statements that change a table, as Django and hand-written SQL spell them.
WRITE = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?(?:\s+ONLY)?)\s+"?(\w+)"?',
    re.IGNORECASE,
)
# Cookies that make a request personal: its page is built for it alone.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
# Headers the outer middleware (security, request log) add again to every answer.
NOT_STORED = frozenset({"x-request-id", "set-cookie"})


# Changes -------------------------------------------------------------------------------


class Changes:
    """The tables of the content, and the writes to them on one connection.

    `at_once`: a write counts before its transaction commits. Only for tests that run in
    a transaction that never commits (tests/conftest.py); their own test of the commit
    rule runs with transactions that do."""

    at_once = False

    @cached_property
    def content_tables(self) -> frozenset[str]:
        return frozenset(
            model._meta.db_table
            for label in settings.PAGE_CACHE_CONTENT_APPS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        )

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        match = WRITE.match(sql)
        if match and match.group(1) in self.content_tables:
            self.note(context["connection"], match.group(1))
        return result

    def note(self, connection, table: str) -> None:
        pending = connection.__dict__.setdefault("pagecache_pending", set())
        pending.add(table)
        if self.at_once or not connection.in_atomic_block:
            self.commit(connection)
            return
        callback = connection.__dict__.setdefault("pagecache_commit", partial(self.commit, connection))
        if not any(entry[1] is callback for entry in connection.run_on_commit):
            transaction.on_commit(callback, using=connection.alias)

    def commit(self, connection) -> None:
        tables = frozenset(connection.__dict__.pop("pagecache_pending", ()))
        if tables:
            changed(tables)


changes = Changes()


@receiver(connection_created)
def watch_writes(sender, connection, **kwargs):
    if changes not in connection.execute_wrappers:
        connection.execute_wrappers.append(changes)


def changed(tables=frozenset()) -> None:
    """The content changed: every stored page is out of date from now on.

    After a commit, a failure here must not turn the write into an error page: it is
    logged (pages may then stay out of date until PAGE_CACHE_TIMEOUT)."""
    try:
        caches[CACHE_ALIAS].set(GENERATION_KEY, secrets.token_hex(8), None)
    except Exception:
        logger.exception("The stored pages could not be made out of date (tables: %s)", sorted(tables))
    content_changed.send(sender=Changes, tables=tables)


# Answers -------------------------------------------------------------------------------


def is_anonymous_read(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.path_info.startswith(settings.PAGE_CACHE_NEVER)
        and not any(name in request.COOKIES for name in PERSONAL_COOKIES)
        and "Authorization" not in request.headers
    )


def is_public(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "Cache-Control" not in response
    )


def make_public(response) -> None:
    """Headers that let any cache keep the answer and check it is still the same."""
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PAGE_CACHE_MAX_AGE,
        stale_while_revalidate=settings.PAGE_CACHE_MAX_AGE,
    )
    # The session and CSRF middleware say `Vary: Cookie` whenever they are consulted;
    # an anonymous page is the same for every visitor without a personal cookie, and
    # those with one never get it from the cache (here, nginx or a CDN told so).
    vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
    kept = [v for v in vary if v.lower() not in ("cookie", "accept-language")]
    if kept:
        response["Vary"] = ", ".join(kept)
    elif "Vary" in response:
        del response["Vary"]
    set_response_etag(response)


def page_key(request) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "pages:" + hashlib.sha256(address.encode()).hexdigest()


def stored(response, generation: str) -> tuple:
    headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_STORED]
    return (generation, response.status_code, headers, zlib.compress(response.content, 6))


def from_stored(entry) -> HttpResponse:
    _generation, status, headers, content = entry
    response = HttpResponse(zlib.decompress(content), status=status)
    for name, value in headers:
        response[name] = value
    return response


class PageCacheMiddleware:
    """Between the security middleware (whose headers go on every answer, hit or not) and
    the session middleware (whose `Vary: Cookie` it sees)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_anonymous_read(request):
            response = self.get_response(request)
            if "Cache-Control" not in response:
                patch_cache_control(response, private=True, no_store=True)
            return self.after_sign_in_or_out(request, response)
        cache = caches[CACHE_ALIAS]
        key = page_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:  # a new or emptied cache: nothing stored is valid
            generation = secrets.token_hex(8)
            if not cache.add(GENERATION_KEY, generation, None):
                generation = cache.get(GENERATION_KEY, generation)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            response = from_stored(entry)
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if not is_public(response):
                if response.cookies and "Cache-Control" not in response:
                    patch_cache_control(response, private=True, no_store=True)
                return self.after_sign_in_or_out(request, response)
            make_public(response)
            if request.method == "GET":
                cache.set(key, stored(response, generation), settings.PAGE_CACHE_TIMEOUT)
            response["X-Page-Cache"] = "miss"
        return get_conditional_response(request, etag=response["ETag"], response=response)

    @staticmethod
    def after_sign_in_or_out(request, response):
        if getattr(request, "signed_in_or_out", False):
            response["Clear-Site-Data"] = '"cache"'
        return response


@receiver(user_logged_in)
@receiver(user_logged_out)
def note_sign_in_or_out(sender, request, **kwargs):
    if request is not None:
        request.signed_in_or_out = True
