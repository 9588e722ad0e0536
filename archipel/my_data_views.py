"""/profil/mes-donnees/: what the download holds (GET), and the ZIP itself (POST)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from archipel import my_data
from core.ratelimit import rate_limit


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("export")
def my_data_download(request):
    """GET: the page saying what the file holds. POST: the file, built in memory, for the
    signed-in citizen only (a POST, so that no link or prefetch builds it)."""
    if request.method != "POST":
        context = {"kinds": my_data.KINDS, "planned_kinds": my_data.PLANNED_KINDS}
        return render(request, "archipel/my_data.html", context)
    now = timezone.localtime()
    response = HttpResponse(my_data.zip_bytes(request.user, now=now), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="archipel-mes-donnees-{now:%Y-%m-%d}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response
