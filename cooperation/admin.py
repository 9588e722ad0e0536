from django import forms
from django.contrib import admin
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cooperation.models import (
    ActionField,
    ActivityType,
    Country,
    LocalAuthority,
    Organisation,
    Partnership,
    PartnershipMilestone,
    Source,
    SustainableDevelopmentGoal,
    Theme,
)
from core.history import HistoryAdmin


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "name_en", "continent"]
    list_filter = ["continent"]
    search_fields = ["name", "name_en", "code"]
    ordering = ["name"]


class PartnershipAdminForm(forms.ModelForm):
    """A partnership has no name to prepopulate its slug from: derive it when left blank."""

    class Meta:
        model = Partnership
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose the fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Laissez vide pour le former à partir des deux collectivités.")

    def clean(self):
        cleaned_data = super().clean()
        partner = cleaned_data.get("partner")
        french_authority = cleaned_data.get("french_authority")
        if not cleaned_data.get("slug") and partner and french_authority:
            cleaned_data["slug"] = slugify(f"{french_authority.slug}-{partner.slug}")[:220]
        return cleaned_data


class PartnershipAsFrenchInline(admin.TabularInline):
    """The partnerships where this authority is the French side."""

    model = Partnership
    form = PartnershipAdminForm
    fk_name = "french_authority"
    verbose_name = _("partenariat (côté français)")
    verbose_name_plural = _("partenariats où elle est la collectivité française")
    fields = ["partner", "kind", "status", "since", "since_precision", "slug"]
    autocomplete_fields = ["partner"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("french_authority", "partner")


class PartnershipAsPartnerInline(admin.TabularInline):
    """The partnerships where this authority is the partner."""

    model = Partnership
    form = PartnershipAdminForm
    fk_name = "partner"
    verbose_name = _("partenariat (côté partenaire)")
    verbose_name_plural = _("partenariats où elle est la collectivité partenaire")
    fields = ["french_authority", "kind", "status", "since", "since_precision", "slug"]
    autocomplete_fields = ["french_authority"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("french_authority", "partner")


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(HistoryAdmin):
    list_display = ["name", "kind", "country", "parent", "partnership_count"]
    list_filter = ["kind", "country__continent", "country"]
    list_select_related = ["country", "parent"]
    search_fields = ["name", "name_en", "slug"]
    autocomplete_fields = ["country", "parent"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "name_en", "slug", "kind", "country", "parent"]}),
        (_("Coordonnées géographiques"), {"fields": [("latitude", "longitude")]}),
        (None, {"fields": ["note"]}),
    ]
    # networks/admin.py adds the memberships inline: cooperation does not import networks.
    inlines = [PartnershipAsFrenchInline, PartnershipAsPartnerInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_partnership_count()

    @admin.display(description=_("partenariats"), ordering="partnership_count")
    def partnership_count(self, obj):
        return obj.partnership_count


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["name", "acronym", "kind", "country", "city", "in_directory"]
    list_filter = ["in_directory", "kind", "country__continent", "country", "action_fields", "activities"]
    list_select_related = ["country"]
    search_fields = ["name", "acronym", "slug", "city", "department"]
    autocomplete_fields = ["country", "intervention_countries", "partnerships"]
    filter_horizontal = ["action_fields", "activities"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "kind", "country", "description"]}),
        (
            _("Annuaire des acteurs"),
            {
                "fields": [
                    "in_directory",
                    ("city", "department"),
                    "intervention_countries",
                    "action_fields",
                    "activities",
                    "partnerships",
                ]
            },
        ),
        (_("Contact"), {"fields": ["offices", ("phone", "email"), "website"]}),
    ]


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    # Listed: in the model, the name and slug Theme overrides (shorter than Term's) come last.
    fields = ["name", "slug", "description", "position"]
    list_display = ["name", "position", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SustainableDevelopmentGoal)
class SustainableDevelopmentGoalAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]
    list_display_links = ["number", "title"]
    search_fields = ["title"]


@admin.register(ActionField)
class ActionFieldAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "url"]
    list_filter = ["publisher"]
    search_fields = ["title", "publisher", "url"]


class PartnershipMilestoneInline(admin.TabularInline):
    model = PartnershipMilestone
    fields = ["date", "date_precision", "label"]
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(HistoryAdmin):
    form = PartnershipAdminForm
    list_display = [
        "partner",
        "partner_country",
        "french_authority",
        "kind",
        "status",
        "since_with_precision",
    ]
    list_display_links = ["partner"]
    list_filter = [
        "kind",
        "status",
        "partner__country__continent",
        "partner__country",
        "themes",
        "action_fields",
        "sdgs",
    ]
    list_select_related = ["french_authority", "partner__country"]
    search_fields = [
        "slug",
        "partner__name",
        "partner__name_en",
        "french_authority__name",
        "partner__country__name",
    ]
    autocomplete_fields = ["french_authority", "partner", "sources"]
    filter_horizontal = ["themes", "action_fields", "sdgs"]
    fieldsets = [
        (None, {"fields": ["french_authority", "partner", "kind", "status", "slug"]}),
        (_("Date"), {"fields": [("since", "since_precision"), "since_note"]}),
        (None, {"fields": ["description"]}),
        (_("Classement"), {"fields": ["themes", "action_fields", "sdgs", "sources"]}),
    ]
    # The evaluation app's admin adds the yearly assessments and the figures
    # (evaluation/admin.py registers its subclass of this one in its place).
    inlines = [PartnershipMilestoneInline]

    @admin.display(description=_("pays"), ordering="partner__country__name")
    def partner_country(self, obj):
        return obj.partner.country

    @admin.display(description=_("depuis"), ordering="since")
    def since_with_precision(self, obj):
        return obj.since_display or "—"
