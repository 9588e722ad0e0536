from django.contrib import admin

from proposals.models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_home"]
    list_filter = ["is_home", "themes"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes"]
    autocomplete_fields = ["sources"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "is_home", "summary"]}),
        (None, {"fields": ["objectives", "themes_intro", "diagnostic", "mayor_record"]}),
        (None, {"fields": ["themes", "sources"]}),
    ]
