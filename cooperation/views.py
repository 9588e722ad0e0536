"""The catalogue's pages. A partnership's own page shows its evaluation too, so it is
the `evaluation` app's (`evaluation/views.py`), as is /evaluation/."""

from django.shortcuts import get_object_or_404, render

from cooperation.filters import ActorFilter, PartnershipFilter
from cooperation.models import LocalAuthority, Organisation, Partnership
from core.browse import browse
from core.search import sort_key


def partnership_list(request):
    result = browse(
        request, PartnershipFilter, Partnership.objects.for_cards().order_by("partner__sort_name", "pk")
    )
    return render(request, "cooperation/partnership_list.html", {"result": result}, status=result.status)


def authority_detail(request, slug):
    authority = get_object_or_404(LocalAuthority.objects.select_related("country", "parent"), slug=slug)
    partnerships = Partnership.objects.involving(authority).for_cards()
    memberships = authority.memberships.select_related("network").order_by("network__name")
    return render(
        request,
        "cooperation/authority_detail.html",
        {
            "authority": authority,
            "partnerships": partnerships,
            "memberships": memberships,
            "children": authority.children.all(),
            "headquartered_networks": authority.headquartered_networks.all(),
        },
    )


def organisation_detail(request, slug):
    organisation = get_object_or_404(
        Organisation.objects.select_related("country").prefetch_related(
            "intervention_countries", "action_fields", "activities"
        ),
        slug=slug,
    )
    memberships = organisation.memberships.select_related("network").order_by("network__name")
    return render(
        request,
        "cooperation/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "partnerships": organisation.partnerships.for_cards(),
        },
    )


def actor_list(request):
    """The directory of actors: associations, institutions and companies acting internationally."""
    actors = Organisation.objects.in_directory().for_cards().order_by(sort_key("name"), "pk")
    result = browse(request, ActorFilter, actors)
    return render(request, "cooperation/actor_list.html", {"result": result}, status=result.status)
