import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from cooperation.filters import axis_filter
from core.widgets import PlainSelect
from proposals.models import DEBATE_SCORE, ProposalStatus

# ?tri=… → the ordering; each has an index (proposals/models.py Meta.indexes).
ORDERINGS = {
    "soutien": (F("votes_for").desc(), F("id").desc()),
    "recentes": (F("created_at").desc(), F("id").desc()),
    "commentees": (F("comment_count").desc(), F("id").desc()),
    "debattues": (DEBATE_SCORE.desc(), F("id").desc()),
}
# The first one is what the list shows with no ?tri= (the model's default ordering).
ORDERING_LABELS = [
    ("recentes", _("Les plus récentes")),
    ("soutien", _("Les plus soutenues")),
    ("commentees", _("Les plus commentées")),
    ("debattues", _("Les plus débattues")),
]


class ProposalFilter(django_filters.FilterSet):
    """The filters of /preconisations/: French parameter names, kept in the URL."""

    q = django_filters.CharFilter(method="filter_text", label=_("Rechercher"), max_length=200)
    etiquette = django_filters.ModelChoiceFilter(
        widget=PlainSelect,
        field_name="tags",
        label=_("Étiquette"),
        to_field_name="slug",
        queryset=Tag.objects.order_by("name"),
        empty_label=_("Toutes les étiquettes"),
        error_messages={"invalid_choice": _("Cette étiquette n’existe pas.")},
    )
    axe = axis_filter()
    statut = django_filters.ChoiceFilter(
        widget=PlainSelect,
        field_name="status",
        label=_("Statut"),
        choices=ProposalStatus.choices,
        empty_label=_("Tous les statuts"),
    )
    tri = django_filters.ChoiceFilter(
        widget=PlainSelect,
        method="filter_ordering",
        label=_("Trier par"),
        choices=ORDERING_LABELS,
        empty_label=None,
    )

    def filter_text(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value])
