"""Synthetic participation data at city scale, for benchmarks and demonstrations.

`demo_data_generate` fills the current database with verified citizens, préconisations on
the home topic, votes and comments, then recomputes every denormalised counter from the
rows. Rows go in through PostgreSQL COPY (psycopg 3): the default sizes (100,000 users,
2 million votes) take a few minutes, where the ORM would take hours.

Demo rows are recognisable, so that `--reset` removes them and nothing else: a demo user
has a username starting with "demo-" and an address at DEMO_EMAIL_DOMAIN (a reserved
.invalid domain no real account can have verified); a demo proposal has a slug starting
with "demo-" and a demo author.

The modules: `generate` (the tables filled in order), `rows` (one NamedTuple of named
columns and one builder per table), `bulk` (the COPY writer, reserved ids), `sampling`
(moments, popularity), `words` (the French texts), `reset` (what is demo data, removing it).
"""

from .generate import DEMO_PASSWORD, DemoDataExists, DemoReport, demo_data_generate
from .reset import DEMO_EMAIL_DOMAIN, DEMO_PREFIX, demo_data_delete, demo_data_exists
from .rows import BENCHMARK_SLUG
from .sampling import allocate as _allocate  # noqa: F401 (its name before the split, for the tests)

__all__ = [
    "BENCHMARK_SLUG",
    "DEMO_EMAIL_DOMAIN",
    "DEMO_PASSWORD",
    "DEMO_PREFIX",
    "DemoDataExists",
    "DemoReport",
    "demo_data_delete",
    "demo_data_exists",
    "demo_data_generate",
]
