"""Sample URL arguments for the tests that request every route (the role matrix, the
hostile-input pages; issue 7).

`ESEMPI` gives, for each URL argument, the values to request every route with. A key is either
an argument name (`"codice"`, used by every route with that argument) or
`"namespace:name.argument"` for one route only. A value is a list, or a function called inside
the test (demo loaded) that returns a list. When the arguments of a route depend on each other
(an indicator of that objective), the key `"namespace:name"` gives the whole list of kwargs
dicts instead. A route with an argument that has no sample makes `argomenti_di_esempio` raise
`EsempioMancante`, which names it: add the sample here when adding the route. Two values per
object argument, when possible: one of the Ambito Alto Sebino (where the demo's Ufficio di
Piano and Comune users work) and one of another Ambito (Dalmine), so that object-level
refusals are exercised.
"""

import re
from itertools import product

from django.apps import apps


class EsempioMancante(LookupError):
    pass


def _comune_di(ambito):
    def trova():
        from territorio.models import AppartenenzaComune

        return [
            AppartenenzaComune.objects.filter(ambito_id=ambito, al__isnull=True)
            .order_by("comune_id")
            .values_list("comune_id", flat=True)
            .first()
        ]

    return trova


def _piani():
    from programmazione.models import Piano

    valori = []
    for ambito in ("alto-sebino", "dalmine"):
        piano = Piano.objects.filter(ambito_id=ambito).order_by("-pk").values_list("pk", flat=True).first()
        if piano is not None:
            valori.append(piano)
    return valori


def _obiettivi():
    from programmazione.models import Obiettivo

    valori = []
    for ambito in ("alto-sebino", "dalmine"):
        ob = Obiettivo.objects.filter(piano__ambito_id=ambito).order_by("-pk").values_list("pk", flat=True).first()
        if ob is not None:
            valori.append(ob)
    return valori


def _di_obiettivo(modello, argomento, **fissi):
    """kwargs {obiettivo, <argomento>} for one row of `modello` (an objective's detail) per
    sample Ambito, so the pair always matches."""

    def trova():
        m = apps.get_model(modello)
        combinazioni = []
        for ambito in ("alto-sebino", "dalmine"):
            riga = m.objects.filter(obiettivo__piano__ambito_id=ambito).order_by("pk").first()
            if riga is not None:
                combinazioni.append({"obiettivo": riga.obiettivo_id, argomento: riga.pk, **fissi})
        return combinazioni

    return trova


def _primi(modello, n=2):
    def trova():
        return list(apps.get_model(modello).objects.order_by("pk").values_list("pk", flat=True)[:n])

    return trova


def _unita():
    from offerta.models import UnitaOfferta

    # By the Ambito, not the Comune's name: the hostile-text test rewrites every name.
    return [
        pk
        for ambito in ("alto-sebino", "dalmine")
        for pk in UnitaOfferta.objects.filter(comune__appartenenze__ambito_id=ambito, comune__appartenenze__al=None)
        .order_by("pk")
        .values_list("pk", flat=True)[:1]
    ]


def _lavori():
    """A finished job of the Ufficio di Piano of Alto Sebino and one of Dalmine's (the demo has
    none: made here, inside the test's transaction)."""
    from django.contrib.auth import get_user_model

    from lavori.models import Lavoro

    valori = []
    for username in ("udp.altosebino", "udp.dalmine"):
        utente = get_user_model().objects.filter(username=username).first()
        lavoro = Lavoro.objects.filter(utente=utente).order_by("pk").first() if utente else None
        if utente and lavoro is None:
            lavoro = Lavoro.objects.create(
                utente=utente,
                titolo="Esportazione",
                funzione="-",
                stato=Lavoro.COMPLETATO,
                messaggio="Pronto.",
                # A real file of its type: the scans read every download (a 4-byte "%PDF" broke
                # the draft-marker scan's PDF reader).
                risultato=b"Esito del lavoro di prova.\n",
                risultato_nome="esito.txt",
                risultato_tipo="text/plain; charset=utf-8",
            )
        if lavoro:
            valori.append(lavoro.pk)
    return valori


ESEMPI = {
    "codice": ["alto-sebino", "dalmine"],
    "fondo": ["fnps", "fna-b2"],
    "codice_istat": lambda: ["016128"] + _comune_di("dalmine")(),  # Lovere, and a Comune of Dalmine
    "conoscenza:modello.formato": ["csv", "xlsx"],
    "opendata:dataset.codice": ["anagrafe-territoriale", "obiettivi-piani"],
    "opendata:csv": [
        {"codice": "anagrafe-territoriale", "distribuzione": "comuni"},
        {"codice": "indicatori", "distribuzione": "ambito"},
        {"codice": "obiettivi-piani", "distribuzione": "obiettivi"},
        {"codice": "fondi", "distribuzione": "fondi"},
        {"codice": "offerta-servizi", "distribuzione": "unita"},
    ],
    "pk": _piani,
    "api:piano.pk": _piani,
    "api:obiettivi.pk": _piani,
    "obiettivo": _obiettivi,
    "unita": _unita,
    "api:obiettivo.obiettivo": _obiettivi,
    "programmazione:dettaglio_elimina": lambda: (
        _di_obiettivo("programmazione.IndicatoreObiettivo", "id", tipo="indicatore")()
        + _di_obiettivo("programmazione.Azione", "id", tipo="azione")()
    ),
    "monitoraggio:misurazione": _di_obiettivo("programmazione.IndicatoreObiettivo", "indicatore"),
    "monitoraggio:stato_azione": _di_obiettivo("programmazione.Azione", "azione"),
    "organizzazione": _primi("coprogrammazione.Organizzazione"),
    "tavolo": _primi("coprogrammazione.Tavolo"),
    "lavoro": _lavori,
}

_ARGOMENTO = re.compile(r"<(?:(\w+):)?(\w+)>")


def argomenti_di_esempio(rotta):
    """Every combination of sample values for the URL arguments of `rotta` (an
    accounts.routes.Rotta), as a list of kwargs dicts."""
    nomi = [nome for _, nome in _ARGOMENTO.findall(rotta.route)]
    if nomi and rotta.name in ESEMPI:
        esempio = ESEMPI[rotta.name]
        combinazioni = list(esempio() if callable(esempio) else esempio)
        if not combinazioni:
            raise EsempioMancante(
                f"The samples of route {rotta.name} ({rotta.route}) found nothing in the demo: "
                "fix ESEMPI in testsupport/rotte.py or the demo data."
            )
        return combinazioni
    valori = []
    for nome in nomi:
        esempio = ESEMPI.get(f"{rotta.name}.{nome}", ESEMPI.get(nome))
        if esempio is None:
            raise EsempioMancante(
                f"No sample value for the URL argument «{nome}» of route {rotta.name} ({rotta.route}): "
                f"add '{nome}' or '{rotta.name}.{nome}' to ESEMPI in testsupport/rotte.py."
            )
        lista = list(esempio() if callable(esempio) else esempio)
        if not lista:
            raise EsempioMancante(
                f"The samples of «{nome}» for route {rotta.name} ({rotta.route}) found nothing in the demo: "
                "fix ESEMPI in testsupport/rotte.py or the demo data."
            )
        valori.append(lista)
    return [dict(zip(nomi, combinazione, strict=True)) for combinazione in product(*valori)]


def url_di(rotta, kwargs):
    """The path of `rotta` with `kwargs` in place of its arguments."""
    return "/" + _ARGOMENTO.sub(lambda m: str(kwargs[m.group(2)]), rotta.route)
