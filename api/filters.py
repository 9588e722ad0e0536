"""Filters of the API lists that no page has (yet). Lists that have a page use the page's
own FilterSet (cooperation.filters, networks.filters, proposals.filters): one place each.

Parameter names are French, like the pages'; an unknown value is refused (400) by the
FilterSet's own validation, never ignored.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from cooperation.filters import ActorFilter
from cooperation.models import AuthorityKind, Country, LocalAuthority, Organisation
from core.search import folded_contains
from networks.filters import NetworkFilter
from networks.models import Membership, Network

# The year the city joined a network (/reseaux/?adhesion=2008): its choices come from the
# database, so the schema cannot tell their type. Said here, as networks/ knows no API.
_joined_year = NetworkFilter.base_filters["adhesion"]
extend_schema_field({"type": "integer", "description": _joined_year.label})(_joined_year)


class AuthorityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_name", label=_("Nom"), max_length=200)
    pays = django_filters.ModelChoiceFilter(
        field_name="country", to_field_name="code", queryset=Country.objects.all(), label=_("Pays (code ISO)")
    )
    type = django_filters.ChoiceFilter(field_name="kind", choices=AuthorityKind.choices, label=_("Type"))

    class Meta:
        model = LocalAuthority
        fields = []

    def filter_name(self, queryset, name, value):
        """Words of the name, case and accents folded, as the partnerships' `collectivite`."""
        return folded_contains(queryset, value, "sort_name", stored=True)


class OrganisationFilter(ActorFilter):
    """The directory's five criteria (/acteurs/), on every organisation, or on the directory only."""

    annuaire = django_filters.ChoiceFilter(
        method="filter_in_directory",
        choices=[("oui", _("oui")), ("non", _("non"))],
        label=_("Dans l’annuaire des acteurs"),
    )

    class Meta(ActorFilter.Meta):
        pass

    def filter_in_directory(self, queryset, name, value):
        return queryset.filter(in_directory=value == "oui")


class MembershipFilter(django_filters.FilterSet):
    """Members of a network, networks of a member."""

    reseau = django_filters.ModelChoiceFilter(
        field_name="network", to_field_name="slug", queryset=Network.objects.all(), label=_("Réseau")
    )
    collectivite = django_filters.ModelChoiceFilter(
        field_name="authority",
        to_field_name="slug",
        queryset=LocalAuthority.objects.all(),
        label=_("Collectivité membre"),
    )
    organisation = django_filters.ModelChoiceFilter(
        field_name="organisation",
        to_field_name="slug",
        queryset=Organisation.objects.all(),
        label=_("Organisation membre"),
    )
    # A method filter: the schema cannot guess the type of the code from a model field.
    pays = extend_schema_field({"type": "string", "description": _("Pays du membre (code ISO)")})(
        django_filters.ModelChoiceFilter(
            method="filter_country",
            to_field_name="code",
            queryset=Country.objects.all(),
            label=_("Pays du membre (code ISO)"),
        )
    )

    class Meta:
        model = Membership
        fields = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(Q(authority__country=value) | Q(organisation__country=value))
