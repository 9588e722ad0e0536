"""The rows of each dataset: querysets that join or prefetch everything its columns read,
so that a file costs the same few queries whatever its size.

Ordered by primary key: a file downloaded twice lists its rows in the same order.
"""

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q

from cooperation.models import (
    LocalAuthority,
    Organisation,
    Partnership,
)
from evaluation.models import PartnershipAction, PartnershipAssessment, ReviewScore
from networks.models import KeyDate, Membership, Network
from proposals.models import Proposal


def authorities():
    return LocalAuthority.objects.select_related("country", "parent").order_by("pk")


def twinnings():
    return Partnership.objects.select_related("french_authority__country", "partner__country").order_by("pk")


def partnerships():
    return (
        Partnership.objects.select_related("french_authority", "partner__country")
        .prefetch_related("themes", "action_fields", "sdgs", "sources")
        .order_by("pk")
    )


def networks():
    return (
        Network.objects.select_related("headquarters").prefetch_related("themes", "objectives").order_by("pk")
    )


def memberships():
    home = LocalAuthority.objects.home_bodies().filter(pk=OuterRef("authority_id"))
    return (
        Membership.objects.select_related("network", "authority__country", "organisation__country")
        .annotate(is_home=Exists(home))
        .order_by("network_id", "pk")
    )


def key_dates():
    return KeyDate.objects.select_related("network").order_by("network_id", "date", "position")


def actors():
    return (
        Organisation.objects.in_directory()
        .select_related("country")
        .prefetch_related("intervention_countries", "action_fields", "activities")
        .order_by("pk")
    )


def proposals():
    return (
        Proposal.objects.visible().select_related("topic").prefetch_related("themes", "tags").order_by("pk")
    )


def evaluations():
    return Partnership.objects.select_related("french_authority", "partner").order_by("pk")


def actions():
    return (
        PartnershipAction.objects.select_related("partnership", "action_field")
        .prefetch_related("themes", "sdgs", "organisations", "sources")
        .order_by("pk")
    )


def assessments():
    return (
        PartnershipAssessment.objects.select_related("partnership").prefetch_related("sources").order_by("pk")
    )


def scores_by_axis():
    """Citizens' scores summed per partnership and axis: counts, never who gave them."""
    return (
        ReviewScore.objects.values(
            "review__partnership__slug", "theme__slug", "review__partnership_id", "theme_id"
        )
        .annotate(
            average=Avg("score"),
            total=Count("pk"),
            **{f"score_{n}": Count("pk", filter=Q(score=n)) for n in range(1, 6)},
        )
        .order_by("review__partnership_id", "theme_id")
    )


def located_partners():
    in_a_partnership = Exists(
        Partnership.objects.filter(Q(french_authority=OuterRef("pk")) | Q(partner=OuterRef("pk")))
    )
    return (
        LocalAuthority.objects.filter(in_a_partnership, latitude__isnull=False)
        .select_related("country")
        .order_by("pk")
    )


def located_network_members():
    with_network = Membership.objects.select_related("network").order_by("network__slug")
    return (
        LocalAuthority.objects.filter(
            Exists(Membership.objects.filter(authority=OuterRef("pk"))), latitude__isnull=False
        )
        .select_related("country")
        .prefetch_related(Prefetch("memberships", queryset=with_network))
        .order_by("pk")
    )
