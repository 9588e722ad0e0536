"""Files streamed to the browser as attachments, CSV above all.

Here rather than in `opendata`, which publishes: `newsletter` (the subscribers' export)
streams CSV too, and an app may import `archipel`'s shared pieces but not a publishing app.
"""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# A cell starting with one of these is run as a formula by spreadsheets (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file whose write returns the line: csv.writer then feeds a generator."""

    def write(self, value):
        return value


def spreadsheet_safe(value):
    """`value`, with a leading apostrophe when it is text a spreadsheet would run as a
    formula (OWASP's advice against CSV injection: `=HYPERLINK(...)` in a citizen's
    title would otherwise become a link in the reader's spreadsheet). Numbers are not
    text: -3.5 stays a number."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_original(value: str) -> str:
    """What `spreadsheet_safe` wrote, read back: a file we exported (partenariats.csv)
    imports unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """The header, then each row, as CSV lines, one at a time: a big file never sits in memory.

    Text cells that would run as formulas are neutralised (`spreadsheet_safe`): give
    numbers as numbers (int, float, Decimal), not as text."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([spreadsheet_safe(cell) for cell in row])


def stream_file(lines: Iterable[str], *, content_type: str, filename: str) -> StreamingHttpResponse:
    """A download named `filename`, sent as `lines` come."""
    response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def stream_csv(*, header: Iterable, rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    """A CSV download. A cell is written as str(value), None as empty: give dates as text,
    numbers as numbers (text starting like a formula is neutralised, see `csv_lines`)."""
    return stream_file(csv_lines(header, rows), content_type=CSV_CONTENT_TYPE, filename=filename)
