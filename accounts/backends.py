"""Reading the logged-in user at every request, for every authentication backend.

The user comes with the profile and the places the page header names (one joined query instead
of three), and an account that has been deactivated is logged out at its next request whatever
the way it logged in (password or SPID/CIE).

The joined query is written by the ORM once per process and database, and its row turned into
the user, the profile and the places as the ORM does: writing a select_related of six models
cost 3-4 ms of CPU at every logged-in request (more than the database spent running it, and a
sixth of a funds page: bench/README.md, fondi_national)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router
from django.db.models.query import get_related_populators

PROFILO = ("profilo__ambito", "profilo__comune", "profilo__ats", "profilo__asst")

# A user id nobody has, in the statement in place of the one asked for (by value: the
# statement's other parameters, if any, stay as the ORM wrote them).
_SEGNAPOSTO = -732_101_977
_SCRITTA = {}


def _scritta(db):
    """(sql, params, select, klass_info, start, end, init_list, populators) of the joined query
    for the connection `db`, as the ORM writes it for `.first()`."""
    connection = connections[db]
    chiave = (db, connection.vendor)
    if chiave not in _SCRITTA:
        qs = (
            get_user_model()
            ._default_manager.select_related(*PROFILO)
            .filter(pk=_SEGNAPOSTO, is_active=True)
            .order_by("pk")[:1]
        )
        compiler = qs.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        select, klass_info = compiler.select, compiler.klass_info
        campi = klass_info["select_fields"]
        inizio, fine = campi[0], campi[-1] + 1
        init_list = [s[0].target.attname for s in select[inizio:fine]]
        popolatori = get_related_populators(klass_info, select, db)
        _SCRITTA[chiave] = (sql, params, select, inizio, fine, init_list, popolatori)
    return _SCRITTA[chiave]


def utente_attivo(user_id):
    """The active user `user_id` with profile and places (None: unknown or deactivated), the
    same objects as `select_related(*PROFILO).filter(pk=user_id, is_active=True).first()`."""
    modello = get_user_model()
    db = router.db_for_read(modello)
    sql, params, select, inizio, fine, init_list, popolatori = _scritta(db)
    valore = modello._meta.pk.get_prep_value(user_id)
    connection = connections[db]
    with connection.cursor() as cursor:
        cursor.execute(sql, [valore if p == _SEGNAPOSTO else p for p in params])
        riga = cursor.fetchone()
    if riga is None:
        return None
    compiler = connection.ops.compiler("SQLCompiler")(None, connection, db)
    convertitori = compiler.get_converters([s[0] for s in select])
    if convertitori:
        riga = next(iter(compiler.apply_converters([riga], convertitori)))
    user = modello.from_db(db, init_list, riga[inizio:fine])
    for popolatore in popolatori:
        popolatore.populate(riga, user)
    return user


class BackendPassword(ModelBackend):
    def get_user(self, user_id):
        return utente_attivo(user_id)
