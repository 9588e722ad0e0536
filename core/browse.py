"""What every browse page shares: filters from the URL, pagination, bad-filter handling."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict


@dataclass
class BrowseResult:
    filterset: object
    page: Page
    query: QueryDict  # the URL's parameters without empty values, for {% querystring %} in page links
    status: int  # 400 when a filter value was refused: the page still shows, with the message


def browse(request: HttpRequest, filterset_class, queryset, *, page_size: int | None = None) -> BrowseResult:
    """Filter `queryset` with the request's GET parameters and return one page of it.

    Unknown filter values are ignored for filtering and reported by the filter form;
    the page then answers 400 so that a bad link is visible as such, never a 500.
    """
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    page = page_of(filterset.qs, request.GET.get("page"), page_size or settings.PAGE_SIZE)
    # An empty choice (`?type=`) filters nothing: kept out of the page links.
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        query.setlist(key, [value for value in values if value])
    status = 400 if filterset.is_bound and filterset.errors else 200
    return BrowseResult(filterset=filterset, page=page, query=query, status=status)


def page_of(queryset, number, page_size: int, *, strict: bool = False) -> Page:
    """One page of `queryset`, in two steps that stay fast on large catalogues; the pages'
    and the API's pagination alike.

    Sorting and slicing only the ids lets PostgreSQL join just what the sort needs; the
    full rows (with their select_related and prefetch_related) are then fetched for the
    twenty ids of the page. One query more, whatever the size of the data.

    A bad or out-of-range number gives the nearest page, or with `strict` raises
    InvalidPage (the API answers 404 rather than silently another page).
    """
    paginator = Paginator(queryset.values_list("pk", flat=True), page_size)
    page = paginator.page(number or 1) if strict else paginator.get_page(number)
    ids = list(page.object_list)
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
    page.object_list = [rows[pk] for pk in ids]
    return page
