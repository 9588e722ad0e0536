"""What a dataset declaration (in `opendata.datasets`) is made of, and the licence of them all."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, TextChoices

LICENCE = {"name": "Licence Ouverte 2.0", "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}


@dataclass(frozen=True)
class Column:
    """A column: its name, its meaning for the data dictionary, and `value(row)`.

    `value` returns a str, int, Decimal, bool, date, list of those, or None; without it,
    the row's attribute named like the column.
    """

    name: str
    description: str
    value: Callable[[Any], Any] | None = None

    def get(self, row):
        return self.value(row) if self.value else getattr(row, self.name)


@dataclass(frozen=True)
class Dataset:
    """A downloadable dataset: one file per format, named `<slug>.<format>`.

    `rows` returns a fresh queryset (called per request: nothing is cached at import).
    GeoJSON datasets give `point(row)` = (longitude, latitude) and return only located rows.
    With `kinds`, `?type=<value>` keeps the rows of that `kind`; an unknown value is a 400.
    """

    slug: str
    title: str
    rows: Callable[[], QuerySet]
    columns: tuple[Column, ...]
    formats: tuple[str, ...] = ("csv", "json")
    note: str = ""
    point: Callable[[Any], tuple[float, float]] | None = None
    kinds: type[TextChoices] | None = None

    @property
    def files(self) -> list[str]:
        return [f"{self.slug}.{extension}" for extension in self.formats]
