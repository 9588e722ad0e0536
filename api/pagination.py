from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

from core.browse import page_of

MAX_PAGE_SIZE = 100


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N&page_size=M` (1 to 100), with count, next and previous.

    With the pages' `core.browse.page_of`: sort and slice the ids, then fetch the
    full rows of those ids only.
    A page number past the end is a 404, a bad page size a 400: never silently another page.
    """

    page_size = settings.PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param, "")
        if value == "":
            return self.page_size
        try:
            size = int(value)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            message = _("La taille de page doit être un nombre entier de 1 à %(max)d.") % {
                "max": self.max_page_size
            }
            raise ValidationError({"detail": message, "errors": {self.page_size_query_param: [message]}})
        return size

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        try:
            self.page = page_of(
                queryset, request.query_params.get(self.page_query_param), page_size, strict=True
            )
        except InvalidPage:
            last = Paginator(queryset.values_list("pk", flat=True), page_size).num_pages
            raise NotFound(
                _("Page introuvable : elle doit être un nombre entier de 1 à %(last)d.") % {"last": last}
            ) from None
        return self.page.object_list

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Numéro de la page, à partir de 1.")),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("Nombre de résultats par page (%(default)d par défaut, %(max)d au plus).")
                    % {"default": self.page_size, "max": self.max_page_size}
                ),
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
