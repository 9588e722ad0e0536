"""/donnees/: the page that lists the datasets, and their files.

A file is served as stored (opendata.services, rebuilt by opendata.tasks after each
change): a download reads one row, never the dataset's tables, and any browser, proxy or
CDN may keep it and check it again with its ETag or date.
"""

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from opendata import services
from opendata.datasets import DATASETS, DATASETS_BY_SLUG
from opendata.schema import LICENCE
from opendata.writers import CONTENT_TYPES, LIST_SEPARATOR

# How long (in seconds) a browser or proxy may keep a file, then serve it while it checks
# it again: a file is rebuilt some seconds after a change anyway.
MAX_AGE = 60


@require_safe
def index(request):
    stored = services.exports_listed()
    datasets = [(dataset, [(name, stored.get(name)) for name in dataset.files]) for dataset in DATASETS]
    return render(
        request,
        "opendata/index.html",
        {"datasets": datasets, "licence": LICENCE, "list_separator": LIST_SEPARATOR},
    )


@require_safe
def dataset(request, name):
    """One file: `<slug>.<format>` of a declared dataset, as stored (built now if it never was)."""
    slug, _dot, extension = name.rpartition(".")
    declared = DATASETS_BY_SLUG.get(slug)
    if declared is None or extension not in declared.formats:
        raise Http404(gettext("Jeu de données inconnu."))
    kind = request.GET.get("type", "") if declared.kinds else ""
    if kind and kind not in declared.kinds.values:
        message = gettext("Type inconnu. Types possibles : %(kinds)s.") % {
            "kinds": ", ".join(declared.kinds.values)
        }
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    file = services.File(declared, extension, kind)

    # The bytes are read only when they are sent: not for a HEAD, nor for a conditional
    # GET that the copy the client holds may answer.
    validators_only = request.method == "HEAD" or any(
        header in request.headers for header in ("If-None-Match", "If-Modified-Since")
    )
    export = services.export_find(file, content=not validators_only) or services.export_first_build(file)
    response = HttpResponse(content_type=CONTENT_TYPES[extension])
    _set_headers(response, export)
    answer = get_conditional_response(
        request, etag=export.etag, last_modified=int(export.built_at.timestamp()), response=response
    )
    if answer is not response:  # 304 Not Modified (or 412 to an If-Match)
        return answer
    if request.method == "HEAD":
        response["Content-Length"] = export.size
        return response
    if "content" in export.get_deferred_fields():
        # Modified since the client's copy: the bytes and their validators, read together.
        export = services.export_find(file, content=True)
        _set_headers(response, export)
    response.content = bytes(export.content)
    return response


def _set_headers(response, export) -> None:
    response["Content-Disposition"] = f'attachment; filename="{export.name}"'
    # Public data that never depends on who asks: any site may fetch it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    response["ETag"] = export.etag
    response["Last-Modified"] = http_date(export.built_at.timestamp())
    patch_cache_control(response, public=True, max_age=MAX_AGE, stale_while_revalidate=MAX_AGE)
