import django_filters
from django.utils.translation import gettext_lazy as _

from cooperation.filters import PartnershipFilter
from cooperation.models import Partnership
from core.sorting import SortFilter, field_sorts
from core.widgets import PlainSelect


class EvaluationFilter(PartnershipFilter):
    """/evaluation/: the filters of /partenariats/, the state of evaluation, and sorts by
    last assessment, spending and citizens' rating."""

    evaluation = django_filters.ChoiceFilter(
        widget=PlainSelect,
        method="filter_evaluated",
        label=_("Évaluation"),
        choices=[("publiee", _("Avec un bilan publié")), ("aucune", _("Sans aucun bilan"))],
        empty_label=_("Toutes"),
    )
    tri = SortFilter(
        field_sorts(
            (
                "last_assessed_year",
                "evaluation",
                _("Dernière évaluation (ancienne d’abord)"),
                _("Dernière évaluation (récente d’abord)"),
            ),
            (
                "spending",
                "depenses",
                _("Dépenses (les plus faibles d’abord)"),
                _("Dépenses (les plus élevées d’abord)"),
            ),
            (
                "rating_average",
                "note",
                _("Note citoyenne (la plus basse d’abord)"),
                _("Note citoyenne (la meilleure d’abord)"),
            ),
            ("partner__sort_name", "partenaire", _("Partenaire (A → Z)"), _("Partenaire (Z → A)")),
            descending_first=True,
        ),
        then=("pk",),
        several=True,
    )

    class Meta:
        model = Partnership
        fields = []

    def filter_evaluated(self, queryset, name, value):
        if value == "publiee":
            return queryset.filter(last_assessed_year__isnull=False)
        if value == "aucune":
            return queryset.filter(last_assessed_year__isnull=True)
        return queryset
