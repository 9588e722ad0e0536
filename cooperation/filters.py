import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from cooperation.models import (
    ActionField,
    ActivityType,
    Continent,
    Country,
    LocalAuthority,
    Organisation,
    Partnership,
    PartnershipKind,
    SustainableDevelopmentGoal,
    Theme,
)
from core.search import folded_contains, sort_key
from core.sorting import SortFilter, field_sorts
from core.widgets import PlainSelect

YEAR_BOUNDS = {"min": 1800, "max": 2100}


class LocalizedNameChoiceField(forms.ModelChoiceField):
    """Options labelled with the place's name in the reader's language (Barcelone / Barcelona)."""

    def label_from_instance(self, obj):
        return obj.localized_name


class LocalizedNameChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = LocalizedNameChoiceField


def axis_filter() -> django_filters.ModelChoiceFilter:
    """Filter by one of Archipel's four axes (?axe=<slug>), on any model with `themes`.

    One value of a many-to-many whose pairs are unique joins one row per object: no
    DISTINCT needed (it cost 25 ms on 30,000 préconisations).
    """
    return django_filters.ModelChoiceFilter(
        widget=PlainSelect,
        field_name="themes",
        label=_("Axe"),
        to_field_name="slug",
        queryset=Theme.objects.all(),
        empty_label=_("Tous les axes"),
    )


class PartnershipFilter(django_filters.FilterSet):
    """The filters of /partenariats/: French parameter names, kept in the URL."""

    type = django_filters.ChoiceFilter(
        widget=PlainSelect,
        field_name="kind",
        label=_("Type"),
        choices=PartnershipKind.choices,
        empty_label=_("Tous les types"),
    )
    pays = LocalizedNameChoiceFilter(
        widget=PlainSelect,
        field_name="partner__country",
        label=_("Pays du partenaire"),
        to_field_name="code",
        # A semi-join: DISTINCT over every partnership took 200 ms at 30,000 partnerships.
        queryset=Country.objects.filter(Exists(Partnership.objects.filter(partner__country=OuterRef("pk")))),
        empty_label=_("Tous les pays"),
    )
    continent = django_filters.ChoiceFilter(
        widget=PlainSelect,
        field_name="partner__country__continent",
        label=_("Continent"),
        choices=Continent.choices,
        empty_label=_("Tous les continents"),
    )
    axe = axis_filter()
    champ = django_filters.ModelChoiceFilter(
        widget=PlainSelect,
        field_name="action_fields",
        label=_("Champ d’action"),
        to_field_name="slug",
        queryset=ActionField.objects.all(),
        empty_label=_("Tous les champs"),
    )
    odd = django_filters.ModelChoiceFilter(
        widget=PlainSelect,
        field_name="sdgs",
        label=_("Objectif de développement durable"),
        to_field_name="number",
        queryset=SustainableDevelopmentGoal.objects.all(),
        empty_label=_("Tous les ODD"),
    )
    # A text field, not a list: a catalogue imported from twin-towns data has thousands
    # of French authorities. Links use the slug (?collectivite=toulouse); people type a name.
    collectivite = django_filters.CharFilter(
        method="filter_french_authority",
        label=_("Collectivité française"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Toulouse")}),
    )
    depuis_min = django_filters.NumberFilter(
        field_name="since",
        lookup_expr="year__gte",
        label=_("Depuis (à partir de)"),
        min_value=YEAR_BOUNDS["min"],
        max_value=YEAR_BOUNDS["max"],
        widget=forms.NumberInput(attrs={"placeholder": "1960", **YEAR_BOUNDS}),
    )
    depuis_max = django_filters.NumberFilter(
        field_name="since",
        lookup_expr="year__lte",
        label=_("Depuis (jusqu’à)"),
        min_value=YEAR_BOUNDS["min"],
        max_value=YEAR_BOUNDS["max"],
        widget=forms.NumberInput(attrs={"placeholder": "2025", **YEAR_BOUNDS}),
    )
    tri = SortFilter(
        field_sorts(
            ("partner__sort_name", "partenaire", _("Partenaire (A → Z)"), _("Partenaire (Z → A)")),
            (sort_key("partner__country__name"), "pays", _("Pays (A → Z)"), _("Pays (Z → A)")),
            ("since", "depuis", _("Plus anciens d’abord"), _("Plus récents d’abord")),
        ),
        then=("pk",),
        several=True,
    )

    class Meta:
        model = Partnership
        fields = []

    def filter_french_authority(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # An exact slug (links) wins; otherwise any authority whose name contains the
        # words typed, case and accents folded ("dusseldorf" finds Düsseldorf).
        by_slug = LocalAuthority.objects.filter(slug=value)
        by_name = folded_contains(LocalAuthority.objects.all(), value, "sort_name", stored=True)
        return queryset.filter(french_authority__in=by_slug if by_slug.exists() else by_name)


class ActorFilter(django_filters.FilterSet):
    """The five criteria of /acteurs/ (those of the Basse-Normandie directory), French names."""

    q = django_filters.CharFilter(
        method="filter_name",
        label=_("Nom ou sigle"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Occitanie Coopération")}),
    )
    lieu = django_filters.CharFilter(
        method="filter_place",
        label=_("Ville ou département"),
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("Haute-Garonne")}),
    )
    pays = LocalizedNameChoiceFilter(
        widget=PlainSelect,
        field_name="intervention_countries",
        label=_("Pays d’intervention"),
        to_field_name="code",
        queryset=Country.objects.filter(
            Exists(Organisation.intervention_countries.through.objects.filter(country=OuterRef("pk")))
        ),
        empty_label=_("Tous les pays"),
    )
    champ = django_filters.ModelChoiceFilter(
        widget=PlainSelect,
        field_name="action_fields",
        label=_("Domaine d’intervention"),
        to_field_name="slug",
        queryset=ActionField.objects.all(),
        empty_label=_("Tous les domaines"),
    )
    activite = django_filters.ModelChoiceFilter(
        widget=PlainSelect,
        field_name="activities",
        label=_("Type d’activité"),
        to_field_name="slug",
        queryset=ActivityType.objects.all(),
        empty_label=_("Tous les types d’activité"),
    )

    class Meta:
        model = Organisation
        fields = []

    def filter_name(self, queryset, name, value):
        """Words of the name or the acronym, case and accents folded ("cooperation" finds Coopération)."""
        return folded_contains(queryset, value, "name", "acronym")

    def filter_place(self, queryset, name, value):
        return folded_contains(queryset, value, "city", "department")
