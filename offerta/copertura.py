"""The register's places in the knowledge base, where the coverage indicators are computed.

Coverage (places per 100 children 0-2, per 1.000 residents 65+, per 1.000 disabled users) is
an ordinary indicator of the catalogue (conoscenza/data/indicatori.csv, `copertura_*`):
numerator the measure `posti` of a group of types («prima_infanzia|*»), denominator the
population of an age band or the users of an area. So `calcola_livelli` computes it by Comune,
Ambito, Distretto and ATS with every other indicator, and it shows wherever indicators show
(the quadro conoscitivo, the province's table and map, a plan's indicator).

The register feeds that measure through the knowledge base's own importer: `pubblica()` writes
the register's places (and number of units) per Comune, year and «gruppo|tipo» as a file in
the Zona layout and loads it with `conoscenza.services.importa_dati`, which replaces the values
of an earlier publication of the same year (its load stays in the history). It runs after
every change of the register (import, form), so the knowledge base never disagrees with it.

The register is a snapshot: it knows the units open today, not those closed in the past. A
publication therefore describes one year, the current one by default: the places of the units
authorised by the end of that year (or without a date); a past year's figures stay as they
were published then. A (Comune, type) that had places in an earlier publication of the same
year and has none now is written as 0, so that a closed unit does not linger.
"""

import datetime
import io
from collections import defaultdict

from conoscenza.models import Livello, Osservazione
from conoscenza.services import importa_dati
from zona.lib.downloads import scrivi_csv

from .models import UnitaOfferta

FONTE = "Registro delle unità d'offerta di Zona: posti autorizzati (gli accreditati dove manca l'autorizzazione)"
INDICATORI = ["copertura_prima_infanzia", "copertura_anziani", "copertura_disabili"]
MISURE = ("posti", "strutture")


def nome_file(anno):
    return f"registro-unita-offerta-{anno}.csv"


def posti_della_unita(u):
    """The places a unit counts for: authorised, or accredited where no authorisation is
    recorded; None when the register gives neither (the unit is counted, its places not)."""
    return u.posti_autorizzati if u.posti_autorizzati is not None else u.posti_accreditati


def righe(anno):
    """{(misura, codice ISTAT, categoria): valore} of the register for `anno`."""
    fine_anno = datetime.date(anno, 12, 31)
    valori = defaultdict(int)
    qs = UnitaOfferta.objects.select_related("tipo").only(
        "comune_id", "autorizzata_il", "posti_autorizzati", "posti_accreditati", "tipo__gruppo", "tipo__area_id",
        "tipo__sigla", "tipo__nome",
    )  # fmt: skip
    for u in qs:
        if u.autorizzata_il is not None and u.autorizzata_il > fine_anno:
            continue
        categoria = u.tipo.categoria_posti
        valori[("strutture", u.comune_id, categoria)] += 1
        posti = posti_della_unita(u)
        if posti is not None:
            valori[("posti", u.comune_id, categoria)] += posti
    # What an earlier publication of this year wrote and the register no longer has: 0.
    precedenti = (
        Osservazione.objects.attive()
        .filter(
            misura_id__in=MISURE,
            livello=Livello.COMUNE,
            anno=anno,
            caricamento__nome_file=nome_file(anno),
        )
        .values_list("misura_id", "codice_territorio", "categoria")
        .distinct()
    )
    for chiave in precedenti:
        valori.setdefault(chiave, 0)
    return valori


def pubblica(anno=None, utente=None):
    """Load the register's places of `anno` (this year by default) into the knowledge base;
    returns the load (Caricamento), or None when there is nothing to write."""
    anno = anno or datetime.date.today().year
    valori = righe(anno)
    if not valori:
        return None
    out = io.StringIO()
    scrivi_csv(
        out,
        ["livello", "codice_territorio", "anno", "misura", "categoria", "valore"],
        (
            [Livello.COMUNE, comune, anno, misura, categoria, valore]
            for (misura, comune, categoria), valore in sorted(valori.items())
        ),
    )
    return importa_dati(out.getvalue().encode("utf-8"), nome_file(anno), formato="zona", fonte=FONTE, utente=utente)
