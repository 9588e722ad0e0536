import django_filters
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from cooperation.filters import axis_filter
from core.search import sort_key
from core.sorting import SortFilter, field_sorts
from core.widgets import PlainSelect
from networks.models import Membership, Network, NetworkKind, Scope


def joined_year_choices():
    years = (
        Membership.objects.of_home()
        .filter(since__isnull=False)
        .annotate(year=ExtractYear("since"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("year")
    )
    return [(year, str(year)) for year in years]


class NetworkFilter(django_filters.FilterSet):
    """The filters of /reseaux/: French parameter names, kept in the URL."""

    q = django_filters.CharFilter(method="filter_text", label=_("Rechercher"), max_length=200)
    echelle = django_filters.ChoiceFilter(
        widget=PlainSelect,
        field_name="scope",
        label=_("Échelle"),
        choices=Scope.choices,
        empty_label=_("Toutes les échelles"),
    )
    type = django_filters.ChoiceFilter(
        widget=PlainSelect,
        field_name="kind",
        label=_("Type"),
        choices=NetworkKind.choices,
        empty_label=_("Tous les types"),
    )
    axe = axis_filter()
    adhesion = django_filters.ChoiceFilter(
        widget=PlainSelect,
        method="filter_joined_year",
        label=_("Année d’adhésion de la ville"),
        choices=joined_year_choices,
        empty_label=_("Toutes les années"),
    )
    tri = SortFilter(
        field_sorts(
            (sort_key("name"), "nom", _("Nom (A → Z)"), _("Nom (Z → A)")),
            ("founded_on", "creation", _("Plus anciens d’abord"), _("Plus récents d’abord")),
        ),
        then=("pk",),
        several=True,
    )

    class Meta:
        model = Network
        fields = []

    def filter_text(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_joined_year(self, queryset, name, value):
        joined = Membership.objects.of_home().filter(since__year=int(value))
        return queryset.filter(pk__in=joined.values("network"))
