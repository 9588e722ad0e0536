import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from cooperation.filters import axis_filter
from core.sorting import Sort, SortFilter
from core.widgets import PlainSelect
from proposals.models import DEBATE_SCORE, ProposalStatus


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
    reponse = django_filters.ChoiceFilter(
        widget=PlainSelect,
        method="filter_answer",
        label=_("Réponse officielle"),
        choices=[("attendue", _("Réponse attendue")), ("en-retard", _("Réponse en retard"))],
        empty_label=_("Toutes"),
    )
    # The first is what the list shows with no ?tri= (the model's default ordering). Each
    # ordering has its index (proposals/models.py Meta.indexes), id last as the tie-break.
    tri = SortFilter(
        [
            Sort("recentes", _("Les plus récentes"), (F("created_at").desc(), F("id").desc())),
            Sort("soutien", _("Les plus soutenues"), (F("votes_for").desc(), F("id").desc())),
            Sort("commentees", _("Les plus commentées"), (F("comment_count").desc(), F("id").desc())),
            Sort("debattues", _("Les plus débattues"), (DEBATE_SCORE.desc(), F("id").desc())),
        ]
    )

    def filter_text(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_answer(self, queryset, name, value):
        return queryset.answer_late() if value == "en-retard" else queryset.answer_expected()
