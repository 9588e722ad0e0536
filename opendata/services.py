"""Building the files of /donnees/ and keeping them: each file is written once per change
of what it shows (opendata.tasks), stored in `Export`, and every download is served from
there (opendata.views). A download never queries the dataset's tables, except the very
first of a file never built (a fresh install), which builds it once for everyone.

Which files a change concerns is learned, not declared: a build records the tables its
queries read (`FROM`/`JOIN`, subqueries and prefetches included), and a change to one of
them (`core.pagecache.content_changed`) makes the file out of date. A file whose rows are
all gone reads fewer tables (no prefetch runs on no rows); a row coming back writes a
table it did read. The hourly rebuild catches anything else (a change made outside
Django, or during the very first build of a file).
"""

import hashlib
import io
import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from core import pagecache
from opendata.datasets import DATASETS
from opendata.models import Export
from opendata.schema import Dataset
from opendata.writers import WRITERS

# Rows fetched at a time: prefetches run once per chunk, so 30,000 rows cost a few queries
# per 2,000 rows and little memory.
CHUNK_SIZE = 2000
# The fields that say which version of a file is stored, without its bytes.
VALIDATORS = ("pk", "dataset", "format", "kind", "size", "etag", "built_at")
READ_TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)


@dataclass(frozen=True)
class File:
    """A file that can be downloaded: `<dataset>.<format>`, whole or of one kind (`?type=`)."""

    dataset: Dataset
    format: str
    kind: str = ""

    @property
    def name(self) -> str:
        return f"{self.dataset.slug}.{self.format}"

    @property
    def key(self) -> dict:
        return {"dataset": self.dataset.slug, "format": self.format, "kind": self.kind}

    def rows(self):
        rows = self.dataset.rows()
        return rows.filter(kind=self.kind) if self.kind else rows


def files() -> list[File]:
    """Every file /donnees/ offers: each format of each dataset, whole and per kind."""
    return [
        File(dataset, extension, kind)
        for dataset in DATASETS
        for extension in dataset.formats
        for kind in ("", *(dataset.kinds.values if dataset.kinds else ()))
    ]


# Writing ----------------------------------------------------------------------------------


class _TablesRead:
    """An execute wrapper that notes the tables each query reads."""

    def __init__(self):
        self.tables = set()

    def __call__(self, execute, sql, params, many, context):
        self.tables.update(READ_TABLE.findall(sql))
        return execute(sql, params, many, context)


def export_write(file: File) -> tuple[bytes, list[str]]:
    """The bytes of `file`, exactly as they are downloaded, and the tables they were read
    from. The rows stream from the database in chunks; only the file sits in memory."""
    buffer = io.BytesIO()
    reader = _TablesRead()
    with connection.execute_wrapper(reader):
        for line in WRITERS[file.format](file.dataset, file.rows().iterator(chunk_size=CHUNK_SIZE)):
            buffer.write(line.encode())
    return buffer.getvalue(), sorted(reader.tables)


# Storing ----------------------------------------------------------------------------------


def _lock(file: File) -> None:
    """Hold, until the transaction ends, the lock on building `file`: builders of one file
    take turns (PostgreSQL advisory lock, shared by every instance)."""
    digest = hashlib.sha256(f"opendata:{file.name}:{file.kind}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])


def export_build(file: File) -> Export:
    """Build `file` from the database and store it; return its row.

    The bytes are written first, outside any lock; the row is then locked and updated in
    one short transaction (downloads read it meanwhile, unhindered). Identical bytes
    leave the row as it was (its ETag and Last-Modified stay true), and a build older than
    the one already stored (a concurrent one) stores nothing."""
    seen = Export.objects.filter(**file.key).values_list("generation", flat=True).first() or 0
    content, tables = export_write(file)
    etag = f'"{hashlib.sha256(content).hexdigest()}"'
    with transaction.atomic():
        _lock(file)
        rows = Export.objects.select_for_update().filter(**file.key)
        export = rows.only(
            "pk", "dataset", "format", "kind", "etag", "built_at", "size", "built_generation"
        ).first()
        if export is None:
            _listing_changed()
            return Export.objects.create(
                **file.key,
                content=content,
                size=len(content),
                etag=etag,
                built_at=timezone.now(),
                tables=tables,
            )
        if export.built_generation > seen:
            return export
        export.built_generation = seen
        export.tables = tables
        fields = ["built_generation", "tables"]
        if export.etag != etag:
            export.content, export.size, export.etag, export.built_at = (
                content,
                len(content),
                etag,
                timezone.now(),
            )
            fields += ["content", "size", "etag", "built_at"]
            _listing_changed()
        export.save(update_fields=fields)
        return export


def _listing_changed() -> None:
    """/donnees/ shows each file's size and date: once the new file commits, the stored
    pages are out of date (opendata_export is not a table of the content, whose writes
    would queue a rebuild of the files)."""
    transaction.on_commit(lambda: pagecache.changed(frozenset({Export._meta.db_table})))


def export_find(file: File, *, content: bool) -> Export | None:
    """The stored row of `file` (with its bytes, or its validators only), None if it was
    never built."""
    rows = Export.objects.filter(**file.key)
    return (rows if content else rows.only(*VALIDATORS)).first()


def export_first_build(file: File) -> Export:
    """The row of `file`, built now if no one has built it yet. Concurrent first downloads
    wait for one of them to build it, then serve what it stored."""
    with transaction.atomic():
        _lock(file)
        return export_find(file, content=True) or export_build(file)


def exports_changed(*, tables) -> int:
    """`tables` changed: the files read from any of them are out of date. Returns how many."""
    return Export.objects.filter(tables__overlap=sorted(tables)).update(generation=F("generation") + 1)


def exports_build(*, everything: bool = False) -> int:
    """Rebuild the files out of date (all of them with `everything`) and build those never
    built; each file is stored in its own transaction. Returns how many were built."""
    rows = Export.objects.all() if everything else Export.objects.stale()
    wanted = {(row.dataset, row.format, row.kind) for row in rows.only("dataset", "format", "kind")}
    built = {tuple(key) for key in Export.objects.values_list("dataset", "format", "kind")}
    count = 0
    for file in files():
        key = (file.dataset.slug, file.format, file.kind)
        if key in wanted or key not in built:
            export_build(file)
            count += 1
    return count


def exports_listed() -> dict[str, Export]:
    """The stored whole files by name (`<dataset>.<format>`), their size and date only."""
    rows = Export.objects.filter(kind="").only("dataset", "format", "size", "built_at")
    return {row.name: row for row in rows}
