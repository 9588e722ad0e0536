"""/donnees/: the page that lists the datasets, and their files.

Files stream row by row (`.iterator()`): prefetches run once per chunk of `CHUNK_SIZE`
rows, so 30,000 partnerships cost a few queries per 2,000 rows and little memory.
"""

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from core.streaming import stream_file
from opendata.datasets import DATASETS, DATASETS_BY_SLUG
from opendata.schema import LICENCE
from opendata.writers import CONTENT_TYPES, LIST_SEPARATOR, WRITERS

CHUNK_SIZE = 2000


@require_safe
def index(request):
    return render(
        request,
        "opendata/index.html",
        {
            "datasets": DATASETS,
            "licence": LICENCE,
            "today": timezone.now(),
            "list_separator": LIST_SEPARATOR,
        },
    )


@require_safe
def dataset(request, name):
    """One file: `<slug>.<format>` of a declared dataset, streamed."""
    slug, _dot, extension = name.rpartition(".")
    declared = DATASETS_BY_SLUG.get(slug)
    if declared is None or extension not in declared.formats:
        raise Http404(gettext("Jeu de données inconnu."))
    rows = declared.rows()
    kind = request.GET.get("type")
    if kind and declared.kinds:
        if kind not in declared.kinds.values:
            message = gettext("Type inconnu. Types possibles : %(kinds)s.") % {
                "kinds": ", ".join(declared.kinds.values)
            }
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        rows = rows.filter(kind=kind)
    response = stream_file(
        WRITERS[extension](declared, rows.iterator(chunk_size=CHUNK_SIZE)),
        content_type=CONTENT_TYPES[extension],
        filename=name,
    )
    # Public data that never depends on who asks: any site may fetch it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response
