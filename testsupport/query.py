"""Counting queries in tests on either database."""

_CONTROLLO = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SET LOCAL")


def letture(contesto):
    """The SQL statements of a CaptureQueriesContext that read or write data: without the
    transaction control that PostgreSQL's one-query paths wrap around their statement (a
    savepoint, its release, SET LOCAL work_mem), which SQLite's paths do not have. A bound on
    these is the same on both databases."""
    return [q["sql"] for q in contesto.captured_queries if not q["sql"].startswith(_CONTROLLO)]
