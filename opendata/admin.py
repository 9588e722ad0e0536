from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from opendata.models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """The stored files, to see what was built and when: built by the workers, never by hand."""

    list_display = ["__str__", "size", "built_at", "up_to_date"]
    list_filter = ["dataset", "format"]
    fields = [
        "dataset",
        "format",
        "kind",
        "size",
        "etag",
        "built_at",
        "tables",
        "generation",
        "built_generation",
    ]
    readonly_fields = fields

    @admin.display(boolean=True, description=_("à jour"))
    def up_to_date(self, export):
        return not export.is_stale

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
