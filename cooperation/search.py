"""French full-text search, accent-insensitive, on both PostgreSQL servers we run on.

The embedded PostgreSQL has no `unaccent` extension, so migration
cooperation/0001 creates `archipel_unaccent(text)`, an IMMUTABLE SQL function that
folds accents (and turns hyphens and typographic apostrophes into spaces); search
vectors are generated columns built with it, indexed with GIN. The function's SQL lives
in that migration only: changing it is a new migration.
"""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import models
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


def search_vector(*fields: str) -> SearchVector:
    """The expression of a generated search column over `fields`."""
    return SearchVector(*(Unaccent(models.F(f)) for f in fields), config=SEARCH_CONFIG)


def search_query(text: str) -> SearchQuery:
    """Words typed by a visitor, accents folded, all required ("plain" search)."""
    return SearchQuery(Unaccent(models.Value(text)), config=SEARCH_CONFIG, search_type="plain")
