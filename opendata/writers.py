"""How a dataset is written: CSV, JSON or GeoJSON, a line at a time.

CSV cells follow the rules the /donnees/ page states (lists joined by `LIST_SEPARATOR`,
oui/non, empty when unknown); JSON and GeoJSON carry the licence, the date and the data
dictionary before the rows.
"""

import datetime
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils import timezone

from core.streaming import CSV_CONTENT_TYPE, csv_lines
from opendata.schema import LICENCE, Dataset

LIST_SEPARATOR = "|"  # between the items of a list in a CSV cell
CONTENT_TYPES = {
    "csv": CSV_CONTENT_TYPE,
    "json": "application/json",
    "geojson": "application/geo+json",
}


def _csv_cell(value):
    """The cell of `value`: text, or a number left a number, so that `csv_lines` tells
    the text a spreadsheet would run as a formula (neutralised) from a negative number
    (kept as it is)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(_csv_cell(item)) for item in value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return value
    return str(value)


def _json_value(value):
    """json.dumps(default=...): the types `Column.value` returns that JSON lacks."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_value)


def _csv_lines(dataset: Dataset, rows: Iterable) -> Iterator[str]:
    header = [column.name for column in dataset.columns]
    cells = ([_csv_cell(column.get(row)) for column in dataset.columns] for row in rows)
    return csv_lines(header, cells)


def _metadata(dataset: Dataset) -> dict:
    return {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "licence": LICENCE["name"],
        "licence_url": LICENCE["url"],
        "date": timezone.localdate().isoformat(),
        "columns": [
            {"name": column.name, "description": str(column.description)} for column in dataset.columns
        ],
    }


def _json_document(head: dict, key: str, items: Iterable[dict]) -> Iterator[str]:
    """`head` plus `key`: [items], written one item at a time so that a big file never sits
    in memory whole."""
    opening = _dumps(head)
    yield f'{opening[:-1]}, "{key}": ['  # the opening without its closing brace
    separator = "\n"
    for item in items:
        yield separator + _dumps(item)
        separator = ",\n"
    yield "\n]}\n"


def _json_lines(dataset: Dataset, rows: Iterable) -> Iterator[str]:
    records = ({column.name: column.get(row) for column in dataset.columns} for row in rows)
    return _json_document(_metadata(dataset), "rows", records)


def _geojson_lines(dataset: Dataset, rows: Iterable) -> Iterator[str]:
    features = (
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": list(dataset.point(row))},
            "properties": {column.name: column.get(row) for column in dataset.columns},
        }
        for row in rows
    )
    return _json_document({"type": "FeatureCollection", **_metadata(dataset)}, "features", features)


WRITERS = {"csv": _csv_lines, "json": _json_lines, "geojson": _geojson_lines}
