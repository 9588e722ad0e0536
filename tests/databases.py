"""The test database as another process or connection reaches it: on a server
(`HOST`/`PORT`, CI) or on the embedded PostgreSQL (its socket directory is in
`OPTIONS["host"]`, and `HOST` is empty)."""

from urllib.parse import quote

import psycopg
from django.db import connection


def _host_and_port(params) -> tuple[str | None, str | None]:
    host = params["HOST"] or params.get("OPTIONS", {}).get("host") or None
    return host, params["PORT"] or None


def other_session(dbname: str | None = None) -> psycopg.Connection:
    """A second connection to the test database (or `dbname`), as another instance holds."""
    params = connection.settings_dict
    host, port = _host_and_port(params)
    return psycopg.connect(
        host=host,
        port=port,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        dbname=dbname or params["NAME"],
        autocommit=True,
    )


def database_url(name: str | None = None) -> str:
    """The test database (or `name` on its server) as a DATABASE_URL for another process.
    A socket directory goes in `?host=`, which dj-database-url keeps as it is (a path in
    the URL's host part would be lower-cased)."""
    params = connection.settings_dict
    host, port = _host_and_port(params)
    user = quote(params["USER"] or "postgres", safe="")
    password = f":{quote(params['PASSWORD'], safe='')}" if params["PASSWORD"] else ""
    name = name or params["NAME"]
    if host and host.startswith("/"):
        return f"postgresql://{user}{password}@/{name}?host={quote(host, safe='/')}"
    return f"postgresql://{user}{password}@{host or '127.0.0.1'}:{port or 5432}/{name}"
