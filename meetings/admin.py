from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.streaming import stream_csv
from meetings.models import Meeting, Registration

REGISTRANT_HEADER = ["meeting", "username", "email", "status", "registered_at"]


class RegistrationInline(admin.TabularInline):
    """Read only: a registration changes through the site's services, which keep the
    waiting list in order (a place freed here would go to nobody)."""

    model = Registration
    fields = ["citizen", "status", "created_at", "reminded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "capacity", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title", "place", "agenda"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["partnerships", "networks"]
    inlines = [RegistrationInline]
    actions = ["export_registrants"]

    @admin.action(description=_("Exporter les inscrits (CSV)"), permissions=["view"])
    def export_registrants(self, request, queryset):
        registrations = (
            Registration.objects.filter(meeting__in=queryset)
            .select_related("meeting", "citizen")
            .order_by("meeting__starts_at", "meeting_id", "created_at", "pk")
        )
        return stream_csv(
            header=REGISTRANT_HEADER,
            rows=(
                [r.meeting.title, r.citizen.username, r.citizen.email, r.status, r.created_at.isoformat()]
                for r in registrations.iterator(chunk_size=2000)
            ),
            filename=f"inscrits-rencontres-{timezone.localdate():%Y-%m-%d}.csv",
        )
