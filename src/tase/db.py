"""Which database a read goes to.

With ``DATABASE_REPLICA_URL`` set, heavy reports may read from a PostgreSQL read replica:
selectors pass :func:`reporting_alias` to ``.using()``. Everything else, and every write,
stays on the primary, so a user always reads what they just wrote.
"""

from django.conf import settings


def reporting_alias() -> str:
    return "replica" if "replica" in settings.DATABASES else "default"
