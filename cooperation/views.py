from django.shortcuts import get_object_or_404, render

from cooperation.browse import browse
from cooperation.filters import ActorFilter, PartnershipFilter
from cooperation.models import LocalAuthority, Organisation, Partnership
from cooperation.search import sort_key


def partnership_list(request):
    result = browse(
        request, PartnershipFilter, Partnership.objects.for_cards().order_by("partner__sort_name", "pk")
    )
    return render(request, "cooperation/partnership_list.html", {"result": result}, status=result.status)


def partnership_detail(request, slug):
    partnership = get_object_or_404(
        Partnership.objects.select_related(
            "french_authority__country", "partner__country", "french_authority__parent"
        ).prefetch_related("themes", "action_fields", "sdgs", "sources", "milestones"),
        slug=slug,
    )
    # Computed from memberships, never typed in: the partner's side of each shared network.
    shared_memberships = partnership.partner.shared_network_memberships(partnership.french_authority)
    return render(
        request,
        "cooperation/partnership_detail.html",
        {"partnership": partnership, "shared_memberships": shared_memberships},
    )


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
