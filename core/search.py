"""French full-text search, accent-insensitive, on both PostgreSQL servers we run on.

The embedded PostgreSQL has no `unaccent` extension, so migration
cooperation/0001 creates `archipel_unaccent(text)`, an IMMUTABLE SQL function that
folds accents (and turns hyphens and typographic apostrophes into spaces); search
vectors are generated columns built with it, indexed with GIN. The function's SQL lives
in that migration only: changing it is a new migration.
"""

from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Lower

SEARCH_CONFIG = "french"


class Unaccent(models.Func):
    function = "archipel_unaccent"
    output_field = models.TextField()


def sort_key(field: str):
    """Sort French names as readers expect ("États-Unis" among the E), on any collation.

    The embedded PostgreSQL has no ICU collations; folding case and accents is enough.
    """
    return Unaccent(Lower(field))


def folded_contains(queryset, text: str, *fields: str, stored: bool = False):
    """The rows where one of `fields` contains `text`, case and accents folded
    ("dusseldorf" finds Düsseldorf, "cooperation" Coopération); all rows for blank text.

    `stored`: the fields already hold folded text (indexed columns such as
    LocalAuthority.sort_name) and are compared as they are.
    """
    text = text.strip()
    if not text:
        return queryset
    folded = sort_key(Value(text))
    if not stored:
        queryset = queryset.alias(**{f"folded_{field}": sort_key(field) for field in fields})
        fields = tuple(f"folded_{field}" for field in fields)
    return queryset.filter(reduce(or_, (Q(**{f"{field}__contains": folded}) for field in fields)))


def search_vector(*fields: str) -> SearchVector:
    """The expression of a generated search column over `fields`."""
    return SearchVector(*(Unaccent(models.F(f)) for f in fields), config=SEARCH_CONFIG)


def search_query(text: str) -> SearchQuery:
    """Words typed by a visitor, accents folded, all required ("plain" search)."""
    return SearchQuery(Unaccent(models.Value(text)), config=SEARCH_CONFIG, search_type="plain")
