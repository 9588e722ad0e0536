from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cooperation.models import LocalAuthority, Partnership
from networks.models import Membership, Network
from proposals.models import Topic

HOME_PROPOSALS = 6


@require_safe
def home(request):
    """The topic page "Coopération européenne et internationale" with live catalogue counts."""
    topic = get_object_or_404(Topic.objects.prefetch_related("themes", "sources"), is_home=True)
    home_bodies = LocalAuthority.objects.home_bodies()
    partnerships = (
        Partnership.objects.filter(french_authority__in=home_bodies)
        .select_related("partner__country")
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
        {"topic": topic, "partnerships": partnerships, "counts": counts, "proposals": proposals},
    )


@never_cache
@require_safe
def health(request):
    """200 when the database answers, 503 when it does not (for load balancers and CI)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "indisponible", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that could touch the database: it may be what failed.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render({}))
