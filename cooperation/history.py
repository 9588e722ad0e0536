"""A partnership's public history: the changes to it and to its related rows that keep a
history (milestones, and the evaluation's actions and assessments, found through their
reverse relations), with the role of who made them, never a name."""

from django.conf import settings
from django.shortcuts import get_object_or_404, render

from cooperation.models import Partnership
from core.history import history_page


def partnership_history(request, slug):
    partnership = get_object_or_404(
        Partnership.objects.select_related("french_authority", "partner"), slug=slug
    )
    page = history_page(partnership, request.GET.get("page"), settings.PAGE_SIZE)
    return render(request, "cooperation/history.html", {"partnership": partnership, "page": page})
