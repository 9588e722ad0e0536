from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

MAX_PAGE_SIZE = 100


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=N&page_size=M` (1 to 100), with count, next and previous.

    Like the pages (cooperation.browse.page_of), in two steps that stay fast on large
    catalogues: sort and slice the ids, then fetch the full rows of those ids only.
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
        paginator = Paginator(queryset.values_list("pk", flat=True), page_size)
        try:
            self.page = paginator.page(request.query_params.get(self.page_query_param) or 1)
        except InvalidPage:
            raise NotFound(
                _("Page introuvable : elle doit être un nombre entier de 1 à %(last)d.")
                % {"last": paginator.num_pages}
            ) from None
        ids = list(self.page.object_list)
        rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
        self.page.object_list = [rows[pk] for pk in ids]
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
