"""Sorting from the URL (?tri=…): one filter for every list, its options declared as a table.

Each option is a `Sort`: its value in the URL, its label, and the ORDER BY it stands for.
The catalogue's lists build theirs with `field_sorts` (A → Z and Z → A of each field,
empty values last); the préconisations declare theirs one by one, each matching an index.
"""

from dataclasses import dataclass
from itertools import chain

import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_filters.fields import BaseCSVField

from core.widgets import PlainSelect


@dataclass(frozen=True)
class Sort:
    """One option of ?tri=: `value` in the URL, `label` in the list, `ordering` the
    expressions given to `order_by`."""

    value: str
    label: str
    ordering: tuple


def field_sorts(*fields, descending_first: bool = False) -> list[Sort]:
    """Two sorts per (field, value, ascending label, descending label): `value` ascending,
    `-value` descending, empty values last either way.

    A field is a name or an expression: `core.search.sort_key("name")` sorts text the
    French way (case and accents folded). `descending_first` lists each descending sort
    before its ascending one.
    """
    sorts = []
    for field, value, ascending_label, descending_label in fields:
        key = F(field) if isinstance(field, str) else field
        pair = [
            Sort(value, ascending_label, (key.asc(nulls_last=True),)),
            Sort(f"-{value}", descending_label, (key.desc(nulls_last=True),)),
        ]
        sorts.extend(reversed(pair) if descending_first else pair)
    return sorts


class SortFilter(django_filters.ChoiceFilter):
    """?tri=<value>, one of `sorts` (the first is the list's default order, shown when
    ?tri= is absent); an unknown value is refused like any other choice.

    `then`: expressions appended to every ordering, e.g. "pk" so that ties never make
    pages overlap. `several`: several values separated by commas are applied in turn
    (the catalogue's lists; the API documents `tri` as such an array there).
    """

    def __init__(self, sorts, *, then=(), several=False, **kwargs):
        self.sorts = {sort.value: sort for sort in sorts}
        self.then = tuple(then)
        self.several = several
        kwargs["choices"] = [(sort.value, sort.label) for sort in sorts]
        kwargs.setdefault("label", _("Trier par"))
        kwargs.setdefault("widget", PlainSelect)
        kwargs.setdefault("empty_label", None)
        super().__init__(**kwargs)
        if several:
            self.field_class = type("SortCSVField", (BaseCSVField, self.field_class), {})

    def filter(self, qs, value):
        if not value:
            return qs
        values = value if self.several else [value]
        return qs.order_by(*chain.from_iterable(self.sorts[v].ordering for v in values), *self.then)
