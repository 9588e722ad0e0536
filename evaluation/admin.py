"""The evaluation's admin: actions, yearly assessments, the moderation of citizens'
reviews, and the partnership's page with its assessments and figures (a subclass of
the catalogue's, registered in its place)."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from cooperation.admin import PartnershipAdmin
from cooperation.models import Partnership
from core.history import HistoryAdmin
from evaluation.figures import refresh_summaries
from evaluation.models import PartnershipAction, PartnershipAssessment, PartnershipReview


class PartnershipAssessmentInline(admin.StackedInline):
    """The yearly public assessments, edited with their partnership."""

    model = PartnershipAssessment
    fields = [("year", "published_on", "cost"), "achievements", "returns_here", "returns_abroad", "sources"]
    autocomplete_fields = ["sources"]
    extra = 0


class EvaluatedPartnershipAdmin(PartnershipAdmin):
    """The catalogue's partnership admin, with the yearly assessments inline and the
    evaluation in figures; every save recomputes them."""

    inlines = [*PartnershipAdmin.inlines, PartnershipAssessmentInline]
    readonly_fields = ["evaluation_summary"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Évaluation (calculée)"), {"fields": ["evaluation_summary"]})]

    @admin.display(description=_("en chiffres"))
    def evaluation_summary(self, obj):
        url = reverse("admin:evaluation_partnershipaction_changelist") + f"?partnership__id__exact={obj.pk}"
        return format_html(
            '{} · {} · {} · <a href="{}">{}</a>',
            _("dernier bilan : %(year)s") % {"year": obj.last_assessed_year or "—"},
            _("dépenses connues : %(spending)s €")
            % {"spending": obj.spending if obj.spending is not None else "—"},
            _("%(count)d avis citoyens") % {"count": obj.reviewer_count},
            url,
            _("%(count)d actions") % {"count": obj.action_count},
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_summaries([form.instance.pk])


admin.site.unregister(Partnership)
admin.site.register(Partnership, EvaluatedPartnershipAdmin)


class RefreshSummariesMixin:
    """Every admin write to actions and assessments recomputes the partnership's figures."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_summaries([form.instance.partnership_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        refresh_summaries([obj.partnership_id])

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("partnership_id", flat=True))
        super().delete_queryset(request, queryset)
        refresh_summaries(ids)


@admin.register(PartnershipAction)
class PartnershipActionAdmin(RefreshSummariesMixin, HistoryAdmin):
    list_display = ["title", "partnership", "year", "action_field", "budget"]
    list_filter = ["year", "action_field", "themes", "partnership__kind"]
    list_select_related = ["partnership__french_authority", "partnership__partner", "action_field"]
    search_fields = [
        "title",
        "partnership__partner__name",
        "partnership__french_authority__name",
        "other_partners",
    ]
    autocomplete_fields = ["partnership", "organisations", "sources"]
    filter_horizontal = ["themes", "sdgs"]
    fieldsets = [
        (None, {"fields": ["partnership", "title", ("year", "action_field", "budget")]}),
        (_("Classement"), {"fields": ["themes", "sdgs"]}),
        (
            _("Partenaires et retombées"),
            {"fields": ["organisations", "other_partners", "outcomes_here", "outcomes_abroad", "sources"]},
        ),
    ]


@admin.register(PartnershipAssessment)
class PartnershipAssessmentAdmin(RefreshSummariesMixin, HistoryAdmin):
    list_display = ["partnership", "year", "published_on", "cost"]
    list_filter = ["year", "partnership__kind"]
    list_select_related = ["partnership__french_authority", "partnership__partner"]
    search_fields = ["partnership__partner__name", "partnership__french_authority__name", "achievements"]
    autocomplete_fields = ["partnership", "sources"]
    date_hierarchy = "published_on"


class ReviewModerationForm(forms.ModelForm):
    class Meta:
        model = PartnershipReview
        fields = ["is_hidden", "hidden_reason"]

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("is_hidden") and not cleaned_data.get("hidden_reason", "").strip():
            self.add_error(
                "hidden_reason", _("Indiquez le motif : il est affiché à la place du commentaire.")
            )
        if not cleaned_data.get("is_hidden"):
            cleaned_data["hidden_reason"] = ""
        return cleaned_data


@admin.register(PartnershipReview)
class PartnershipReviewAdmin(admin.ModelAdmin):
    """Moderation of citizens' comments on partnerships. Staff hide a comment with a
    reason; the scores are never shown one by one, only summed on the public pages."""

    form = ReviewModerationForm
    list_display = ["partnership", "author", "excerpt", "updated_at", "is_hidden"]
    list_filter = ["is_hidden"]
    list_select_related = ["partnership__french_authority", "partnership__partner", "author"]
    search_fields = ["comment", "partnership__partner__name"]
    fields = ["partnership", "author", "comment", "updated_at", "is_hidden", "hidden_reason"]
    readonly_fields = ["partnership", "author", "comment", "updated_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("commentaire"))
    def excerpt(self, obj):
        return Truncator(obj.comment).chars(80) or "—"
