from itertools import groupby

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from core.browse import browse
from core.search import sort_key
from networks.filters import NetworkFilter
from networks.models import Membership, Network


def _home_memberships():
    return Prefetch(
        "memberships",
        queryset=Membership.objects.of_home().select_related("authority"),
        to_attr="home_memberships",
    )


def network_list(request):
    networks = (
        Network.objects.annotate(member_count=Count("memberships", distinct=True))
        .select_related("headquarters")
        .prefetch_related("themes", _home_memberships())
        .order_by(sort_key("name"), "pk")
    )
    result = browse(request, NetworkFilter, networks)
    return render(request, "networks/network_list.html", {"result": result}, status=result.status)


def network_detail(request, slug):
    network = get_object_or_404(
        Network.objects.select_related("headquarters__country").prefetch_related(
            "themes", "objectives", "key_dates", _home_memberships()
        ),
        slug=slug,
    )
    memberships = network.memberships.for_listing()
    return render(
        request,
        "networks/network_detail.html",
        {
            "network": network,
            "members_by_country": _group_by_country(memberships),
            "member_count": len(memberships),
            "map_points": _member_map_points(memberships),
        },
    )


def _member_map_points(memberships):
    """Member authorities with coordinates, as dicts for `json_script` (already loaded: no query)."""
    return [
        {
            "name": m.authority.localized_name,
            "lat": float(m.authority.latitude),
            "lng": float(m.authority.longitude),
            "url": m.authority.get_absolute_url(),
            "kind": m.role,
        }
        for m in memberships
        if m.authority is not None and m.authority.latitude is not None
    ]


def _group_by_country(memberships):
    """[(country name, [memberships])], international organisations last."""

    def country_name(membership):
        country = membership.country
        return country.localized_name if country else _("International")

    rows = sorted(memberships, key=lambda m: (m.country is None, country_name(m), m.member.name))
    return [(name, list(group)) for name, group in groupby(rows, key=country_name)]
