"""Writing rows by the million: PostgreSQL COPY (psycopg 3), blocks of ids reserved ahead,
fresh planner statistics afterwards."""

from collections.abc import Iterable

from django.db import connection

COPY_BATCH = 20_000  # rows between two progress-bar updates


def copy_rows(model, row_type: type[tuple], rows: Iterable[tuple], *, progress, total: int, desc: str) -> int:
    """COPY `rows` into the table of `model`; return how many were written.

    The columns are the fields of `row_type`, a NamedTuple whose field names are column
    names of the table (each row is written as the tuple it is, in the order of its fields).
    """
    columns = {field.column for field in model._meta.concrete_fields}
    unknown = [name for name in row_type._fields if name not in columns]
    if unknown:
        raise ValueError(f"{row_type.__name__}: no such column in {model._meta.db_table}: {unknown}")
    quote = connection.ops.quote_name
    statement = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(name) for name in row_type._fields)}) "
        "FROM STDIN"
    )
    written = 0
    with connection.cursor() as cursor, progress(total=total, desc=desc, unit=" lignes") as bar:
        # cursor.cursor is the psycopg 3 cursor under Django's wrapper.
        with cursor.cursor.copy(statement) as copy:
            pending = 0
            for row in rows:
                copy.write_row(row)
                pending += 1
                if pending == COPY_BATCH:
                    bar.update(pending)
                    written += pending
                    pending = 0
            bar.update(pending)
            written += pending
    return written


def reserve_ids(model, n: int) -> int:
    """Reserve n consecutive ids for `model` and return the first one.

    The table is locked against other writers until commit, so no concurrent insert takes
    an id of the block; the identity sequence moves past the block for later inserts.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            f"""SELECT greatest(
                    (SELECT coalesce(max(id), 0) FROM {table}),
                    coalesce(pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')::regclass), 0))""",
            [model._meta.db_table],
        )
        last = cursor.fetchone()[0]
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [model._meta.db_table, last + max(n, 1)]
        )
    return last + 1


def analyze(models) -> None:
    """Fresh planner statistics: without them pages use plans made for empty tables."""
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
