import logging
import sys
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cooperation.models import LocalAuthority, Partnership
from networks.models import Membership, Network
from proposals.models import Topic

HOME_PROPOSALS = 6

logger = logging.getLogger(__name__)


@require_safe
def home(request):
    """The topic page "Coopération européenne et internationale" with live catalogue counts."""
    topic = get_object_or_404(Topic.objects.prefetch_related("themes", "sources"), is_home=True)
    home_bodies = LocalAuthority.objects.home_bodies()
    partnerships = (
        Partnership.objects.filter(french_authority__in=home_bodies)
        .select_related("partner__country", "french_authority")
        .order_by("kind", "partner__name")
    )
    city_networks = Network.objects.city_networks()
    counts = {
        "partners": len(partnerships),
        "networks": city_networks.count(),
        "member_cities": Membership.objects.filter(network__in=city_networks, authority__isnull=False)
        .values("authority")
        .distinct()
        .count(),
    }
    proposals = topic.proposals.visible().order_by("-votes_for", "-id")[:HOME_PROPOSALS]
    return render(
        request,
        "archipel/home.html",
        {
            "topic": topic,
            "partnerships": partnerships,
            "counts": counts,
            "proposals": proposals,
            "map_points": _partner_map_points(partnerships),
        },
    )


def _partner_map_points(partnerships):
    """The home city then each partner with coordinates, as dicts for `json_script` (no query)."""
    points, seen = [], set()
    homes = [p.french_authority for p in partnerships]
    home = next((a for a in homes if a.slug == settings.ARCHIPEL_HOME_AUTHORITY), None)
    home = home or next((a for a in homes if a.latitude is not None), None)
    if home is not None and home.latitude is not None:
        points.append(_point(home, home.get_absolute_url(), "home"))
        seen.add(home.pk)
    for partnership in partnerships:
        partner = partnership.partner
        if partner.latitude is None or partner.pk in seen:
            continue
        seen.add(partner.pk)
        points.append(_point(partner, partnership.get_absolute_url(), partnership.get_kind_display()))
    return points


def _point(authority, url, kind):
    return {
        "name": authority.localized_name,
        "lat": float(authority.latitude),
        "lng": float(authority.longitude),
        "url": url,
        "kind": str(kind),
    }


@require_safe
def legal(request):
    return render(request, "archipel/legal.html")


@never_cache
@require_safe
def health(request):
    """Readiness, for load balancers and deploys: 200 when the database, the cache and the
    task queue (Procrastinate's jobs table) answer, 503 naming what does not. A Redis
    outage the cache rides out on the database (archipel.cache) is not a failure."""
    checks = {"database": _database_answers(), "cache": _cache_answers(), "queue": _queue_answers()}
    if all(checks.values()):
        return JsonResponse({"status": "ok", **checks})
    return JsonResponse({"status": "indisponible", **checks}, status=503)


def _database_answers() -> bool:
    return _sql_answers("SELECT 1")


def _queue_answers() -> bool:
    # Deferring a task writes to this table: without it, e-mails and fan-out are lost.
    return _sql_answers("SELECT 1 FROM procrastinate_jobs LIMIT 1")


def _sql_answers(sql: str) -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()
    except DatabaseError:
        return False
    return True


def _cache_answers() -> bool:
    """Set a key and read it back (a cache may take connections and lose writes)."""
    key, value = f"health:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        answers = cache.get(key) == value
        cache.delete(key)
    except Exception as error:  # any backend's error, whatever its class: the answer is "no"
        logger.warning("Health check: the cache does not answer (%r)", error)
        return False
    return answers


@never_cache
@require_safe
def liveness(request):
    """Liveness: the process serves requests. Touches neither the database nor the cache,
    so that an outage of either does not get every web process restarted."""
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


# Seconds a client (a browser, a crawler, an API user) is asked to wait after a 503.
RETRY_AFTER_SECONDS = 60
# What a database that does not answer raises: refused or lost connections, a server
# shutting down, too many clients. Other DatabaseErrors (IntegrityError…) are bugs: 500.
DATABASE_DOWN = (OperationalError, InterfaceError)


def server_error(request):
    """The answer to an uncaught exception (handler500), rendered without the database,
    which may be what failed: no context processors, no user, no session.

    A database that does not answer is an outage, not a bug: 503 with Retry-After. Django
    logs the answer (django.request, at ERROR, with the exception) once per request: to
    Sentry when SENTRY_DSN is set, by e-mail to ADMINS when it is set (LOGGING). The API
    answers JSON either way.
    """
    error = sys.exc_info()[1]
    unavailable = isinstance(error, DATABASE_DOWN)
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        if _is_api(request):
            if unavailable:
                detail = _("Le service est momentanément indisponible : réessayez dans une minute.")
            else:
                detail = _("Erreur du serveur.")
            response = JsonResponse({"detail": detail}, status=503 if unavailable else 500)
        elif unavailable:
            response = HttpResponse(loader.render_to_string("503.html"), status=503)
        else:
            context = {"team_alerted": bool(settings.ADMINS or settings.SENTRY_DSN)}
            response = HttpResponse(loader.render_to_string("500.html", context), status=500)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _is_api(request) -> bool:
    language = translation.get_language_from_path(request.path_info)
    path = request.path_info[len(language) + 1 :] if language else request.path_info
    return path.startswith("/api/")
