"""The health check: is the database reachable, and is its schema the code's?"""

from django.db import DatabaseError, connection

_migrazioni_ok = False  # once all applied, they stay so until the next deploy restarts us


def stato():
    """({check: bool}, healthy)."""
    global _migrazioni_ok
    controlli = {"database": False, "migrazioni": False}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        controlli["database"] = True
    except DatabaseError:
        return controlli, False
    if not _migrazioni_ok:
        from zona.backup import migrazioni_da_applicare

        try:
            _migrazioni_ok = not migrazioni_da_applicare(connection)
        except DatabaseError:
            _migrazioni_ok = False
    controlli["migrazioni"] = _migrazioni_ok
    return controlli, all(controlli.values())
