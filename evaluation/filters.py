import django_filters
from django.utils.translation import gettext_lazy as _

from cooperation.filters import PartnershipFilter, StableOrderingFilter
from cooperation.models import Partnership
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
    tri = StableOrderingFilter(
        fields=(
            ("last_assessed_year", "evaluation"),
            ("spending", "depenses"),
            ("rating_average", "note"),
            ("partner__sort_name", "partenaire"),
        ),
        descending_first=True,
        field_labels={
            "-last_assessed_year": _("Dernière évaluation (récente d’abord)"),
            "last_assessed_year": _("Dernière évaluation (ancienne d’abord)"),
            "-spending": _("Dépenses (les plus élevées d’abord)"),
            "spending": _("Dépenses (les plus faibles d’abord)"),
            "-rating_average": _("Note citoyenne (la meilleure d’abord)"),
            "rating_average": _("Note citoyenne (la plus basse d’abord)"),
            "partner__sort_name": _("Partenaire (A → Z)"),
            "-partner__sort_name": _("Partenaire (Z → A)"),
        },
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
