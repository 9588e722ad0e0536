from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cooperation.admin import LocalAuthorityAdmin, OrganisationAdmin
from cooperation.models import LocalAuthority, Organisation
from core.history import HistoryAdmin
from networks.models import KeyDate, Membership, Network, Objective

# Membership rows are short: a two-line textarea keeps the tabular inlines readable.
SHORT_TEXTAREA = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


class ObjectiveInline(admin.TabularInline):
    model = Objective
    fields = ["position", "text"]
    ordering = ["position"]
    extra = 0
    formfield_overrides = SHORT_TEXTAREA


class KeyDateInline(admin.TabularInline):
    model = KeyDate
    fields = ["date", "date_precision", "position", "label"]
    ordering = ["date", "position"]
    extra = 0


class NetworkMembershipInline(admin.TabularInline):
    model = Membership
    fields = [
        "authority",
        "organisation",
        "role",
        "since",
        "since_precision",
        "until",
        "until_precision",
        "joined_note",
        "activities",
    ]
    autocomplete_fields = ["authority", "organisation"]
    ordering = ["authority__name", "organisation__name"]
    extra = 0
    show_change_link = True
    formfield_overrides = SHORT_TEXTAREA

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("network", "authority", "organisation")


@admin.register(Network)
class NetworkAdmin(HistoryAdmin):
    list_display = [
        "name",
        "acronym",
        "kind",
        "scope",
        "founded_with_precision",
        "headquarters",
        "member_count",
    ]
    list_filter = ["kind", "scope", "themes"]
    list_select_related = ["headquarters"]
    search_fields = ["name", "acronym", "tagline"]
    autocomplete_fields = ["headquarters"]
    filter_horizontal = ["themes"]
    prepopulated_fields = {"slug": ["name"]}
    # `search` is a GeneratedField computed by PostgreSQL: never in a form.
    exclude = ["search"]
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "kind", "scope", "tagline", "description"]}),
        (
            _("Création et siège"),
            {"fields": [("founded_on", "founded_on_precision"), "headquarters", "headquarters_address"]},
        ),
        (_("Organisation"), {"fields": ["governance", "declared_size", "website", "themes"]}),
    ]
    inlines = [ObjectiveInline, KeyDateInline, NetworkMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=_("membres"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    @admin.display(description=_("date de création"), ordering="founded_on")
    def founded_with_precision(self, obj):
        return obj.founded_display or "—"


class MemberCountryFilter(admin.SimpleListFilter):
    """The member's continent, whether the member is an authority or an organisation."""

    title = _("continent du membre")
    parameter_name = "continent"

    def lookups(self, request, model_admin):
        from cooperation.models import Continent

        return Continent.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                models.Q(authority__country__continent=self.value())
                | models.Q(organisation__country__continent=self.value())
            )
        return queryset


class MemberKindFilter(admin.SimpleListFilter):
    title = _("type de membre")
    parameter_name = "membre"

    def lookups(self, request, model_admin):
        return [("collectivite", _("Collectivité")), ("organisation", _("Organisation"))]

    def queryset(self, request, queryset):
        if self.value() == "collectivite":
            return queryset.filter(authority__isnull=False)
        if self.value() == "organisation":
            return queryset.filter(organisation__isnull=False)
        return queryset


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ["member_name", "member_country", "network", "role", "since_with_precision"]
    list_display_links = ["member_name"]
    list_filter = ["network__scope", "network", MemberKindFilter, MemberCountryFilter]
    list_select_related = ["network", "authority__country", "organisation__country"]
    search_fields = [
        "authority__name",
        "organisation__name",
        "organisation__acronym",
        "network__name",
        "network__acronym",
        "role",
    ]
    autocomplete_fields = ["network", "authority", "organisation"]
    fieldsets = [
        (None, {"fields": ["network", "authority", "organisation", "role"]}),
        (_("Dates"), {"fields": [("since", "since_precision"), ("until", "until_precision"), "joined_note"]}),
        (None, {"fields": ["activities"]}),
    ]

    @admin.display(description=_("membre"), ordering="authority__name")
    def member_name(self, obj):
        return obj.member

    @admin.display(description=_("pays"))
    def member_country(self, obj):
        return obj.country or "—"

    @admin.display(description=_("depuis"), ordering="since")
    def since_with_precision(self, obj):
        return obj.since_display or "—"


class MembershipOfMemberInline(admin.TabularInline):
    model = Membership
    fields = ["network", "role", "since", "since_precision", "until", "until_precision", "joined_note"]
    autocomplete_fields = ["network"]
    ordering = ["network__name"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("network", "authority", "organisation")


class AuthorityMembershipInline(MembershipOfMemberInline):
    fk_name = "authority"
    verbose_name = _("adhésion à un réseau")
    verbose_name_plural = _("adhésions à des réseaux")


class OrganisationMembershipInline(MembershipOfMemberInline):
    fk_name = "organisation"
    verbose_name = _("adhésion à un réseau")
    verbose_name_plural = _("adhésions à des réseaux")


# cooperation does not import networks (dependencies point one way), so the memberships
# inlines are added here, to the cooperation admins, by re-registering them.
admin.site.unregister(LocalAuthority)
admin.site.unregister(Organisation)


@admin.register(LocalAuthority)
class LocalAuthorityWithMembershipsAdmin(LocalAuthorityAdmin):
    inlines = [*LocalAuthorityAdmin.inlines, AuthorityMembershipInline]


@admin.register(Organisation)
class OrganisationWithMembershipsAdmin(OrganisationAdmin):
    inlines = [*OrganisationAdmin.inlines, OrganisationMembershipInline]
