"""Small factories of test data, and the tiny registry of `registro_minimo`.

Unit tests build the few objects they need here instead of reading the Bergamo demo, so that
each test shows its data and its expected figures follow from them by hand. The factories write
straight to the models (no importer: the importers have tests of their own); the reference data
(catalogue of indicators, policy areas, LEPS) are in the test database from
`manage.py carica_riferimenti`.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth import get_user_model

INIZIO = datetime.date(2021, 1, 1)


def utente(username):
    return get_user_model().objects.get(username=username)


# --- registry -------------------------------------------------------------------------------


def catena_sanitaria(suffisso="prova"):
    """A Regione (Lombardia), an ATS, an ASST and a Distretto, each the parent of the next."""
    from territorio.models import ASST, ATS, Distretto, Regione

    regione, _ = Regione.objects.get_or_create(codice="03", defaults={"nome": "Lombardia"})
    ats = ATS.objects.create(codice=f"ats-{suffisso}", nome=f"ATS di {suffisso.title()}", regione=regione)
    asst = ASST.objects.create(codice=f"asst-{suffisso}", nome=f"ASST di {suffisso.title()}", ats=ats)
    distretto = Distretto.objects.create(
        codice=f"distretto-{suffisso}", nome=f"Distretto {suffisso.title()}", asst=asst
    )
    return SimpleNamespace(regione=regione, ats=ats, asst=asst, distretto=distretto)


def ambito(codice, nome, distretto=None, dal=INIZIO):
    from territorio.models import Ambito, AmbitoDistretto

    a = Ambito.objects.create(codice=codice, nome=nome)
    if distretto is not None:
        AmbitoDistretto.objects.create(ambito=a, distretto=distretto, dal=dal)
    return a


def comune(codice_istat, nome, ambito=None, dal=INIZIO, al=None, regione=None, **campi):
    """A Comune of the installation's province (territorio.selectors.PROVINCIA), with its
    membership of `ambito` if given. Codes 0169xx do not exist in ISTAT's list."""
    from territorio.models import AppartenenzaComune, Comune, Regione
    from territorio.selectors import PROVINCIA

    if regione is None:
        regione, _ = Regione.objects.get_or_create(codice="03", defaults={"nome": "Lombardia"})
    c = Comune(
        codice_istat=codice_istat,
        nome=nome,
        sigla_provincia=PROVINCIA,
        provincia="Provincia di prova",
        regione=regione,
        codice_catastale=campi.pop("codice_catastale", "Z" + codice_istat[-3:]),
        **campi,
    )
    c.save()
    if ambito is not None:
        AppartenenzaComune.objects.create(comune=c, ambito=ambito, dal=dal, al=al)
    return c


# --- knowledge base -------------------------------------------------------------------------


def osservazioni(righe, nome_file="fabbrica.csv"):
    """One accepted load (Caricamento) with the given observations, written as an importer
    would. `righe`: dicts with misura, livello, codice_territorio, anno, valore and optionally
    eta_da, eta_a, sesso, categoria (Comune rows get their `comune` from the code)."""
    from conoscenza.models import Caricamento, Osservazione
    from conoscenza.services import aggiorna_totali

    caricamento = Caricamento.objects.create(nome_file=nome_file, formato="zona", fonte="test", righe=len(righe))
    Osservazione.objects.bulk_create(
        Osservazione(
            caricamento=caricamento,
            misura_id=r["misura"],
            livello=r["livello"],
            codice_territorio=r["codice_territorio"],
            comune_id=r["codice_territorio"] if r["livello"] == "comune" else None,
            anno=r["anno"],
            data_riferimento=datetime.date(r["anno"], 1, 1),
            eta_da=r.get("eta_da"),
            eta_a=r.get("eta_a"),
            sesso=r.get("sesso", ""),
            categoria=r.get("categoria", ""),
            valore=Decimal(r["valore"]),
        )
        for r in righe
    )
    aggiorna_totali(caricamento)
    return caricamento


def popolazione(codice_istat, anno, giovani, attivi, anziani):
    """Residents of a Comune at 1 January of `anno` in three age bands (0-14, 15-64, 65 and
    over): enough for every population indicator of the catalogue."""
    fasce = [(0, 14, giovani), (15, 64, attivi), (65, None, anziani)]
    return [
        {
            "misura": "popolazione_residente",
            "livello": "comune",
            "codice_territorio": codice_istat,
            "anno": anno,
            "eta_da": da,
            "eta_a": a,
            "valore": n,
        }
        for da, a, n in fasce
    ]


# --- the tiny registry ------------------------------------------------------------------------

# Residents at 1 January (0-14, 15-64, 65+) of the Comuni of `registro_minimo`.
POPOLAZIONE_MINIMA = {
    ("016901", 2022): (150, 600, 250),  # 1,000
    ("016901", 2023): (140, 600, 260),  # 1,000
    ("016902", 2022): (100, 300, 110),  # 510
    ("016902", 2023): (90, 300, 110),  # 500
    ("016903", 2022): (40, 200, 60),  # 300
    ("016903", 2023): (40, 190, 70),  # 300
    ("016904", 2022): (300, 1300, 400),  # 2,000
    ("016904", 2023): (300, 1300, 400),  # 2,000
    ("016905", 2022): (200, 700, 100),  # 1,000
    ("016905", 2023): (210, 700, 90),  # 1,000
    ("016906", 2022): (10, 60, 30),  # 100, in no Ambito
    ("016906", 2023): (10, 60, 30),  # 100
}


def crea_registro_minimo():
    """Six Comuni of the province: three in the Ambito «Lago», two in «Pianura» (both in one
    Distretto, ASST and ATS since 2021) and one in no Ambito, with their residents of 2022 and
    2023 by age band (POPOLAZIONE_MINIMA), one alternative name, an ente capofila, and the
    plans of Lago: 2021-2023 approved with two objectives, 2024-2026 a draft with one."""
    from territorio.models import AliasComune, Capofila, Ente, FormaGiuridica

    catena = catena_sanitaria()
    lago = ambito("lago", "Lago", catena.distretto)
    pianura = ambito("pianura", "Pianura", catena.distretto)
    comuni = {
        c.codice_istat: c
        for c in (
            comune("016901", "Borgo sul Lago", lago),
            comune("016902", "Monte Alto", lago),
            comune("016903", "Sant'Andrea", lago),
            comune("016904", "Campagnola", pianura),
            comune("016905", "Città di Pianura", pianura),
            comune("016906", "Isolato"),
        )
    }
    AliasComune.objects.create(nome="Borgo Lago", comune=comuni["016901"], nota="nome usato da una fonte")
    ente = Ente.objects.create(nome="Comunità del Lago", forma_giuridica=FormaGiuridica.COMUNITA_MONTANA)
    Capofila.objects.create(ambito=lago, ente=ente, dal=INIZIO)
    righe = []
    for (codice, anno), fasce in POPOLAZIONE_MINIMA.items():
        righe += popolazione(codice, anno, *fasce)
    caricamento = osservazioni(righe, "popolazione.csv")
    approvato = piano(
        lago,
        2021,
        [("Domiciliarità degli anziani", "D"), ("Sportello per la disabilità", "J")],
        stato="approvato",
        approvato_il=datetime.date(2021, 3, 15),
    )
    bozza = piano(lago, 2024, [("Casa di comunità", "D")])
    return SimpleNamespace(
        **vars(catena),
        lago=lago,
        pianura=pianura,
        comuni=comuni,
        caricamento=caricamento,
        approvato=approvato,
        bozza=bozza,
    )


# --- plans ------------------------------------------------------------------------------------


def piano(ambito, anno_inizio=2024, obiettivi=(), **campi):
    """A plan of `ambito` (a draft unless `stato` says otherwise) with one objective per
    (title, policy area code) in `obiettivi`, coded OB01, OB02, ... in that order."""
    from programmazione.models import Obiettivo, Piano

    p = Piano.objects.create(ambito=ambito, anno_inizio=anno_inizio, anno_fine=anno_inizio + 2, **campi)
    for ordine, (titolo, area) in enumerate(obiettivi, start=1):
        Obiettivo.objects.create(piano=p, codice=f"OB{ordine:02d}", ordine=ordine, titolo=titolo, area_policy_id=area)
    return p


# --- users ------------------------------------------------------------------------------------


def utente_con_ruolo(username, ruolo, ambito=None, comune=None, ats=None, asst=None):
    """A user with a profile (no password: log in with client.force_login). `ruolo` is an
    accounts.models.TipoRuolo value ("coordinamento", "ufficio_di_piano", "comune", "ats",
    "asst", "tavolo")."""
    from accounts.models import Profilo

    user = get_user_model().objects.create(username=username)
    Profilo.objects.create(user=user, ruolo=ruolo, ambito=ambito, comune=comune, ats=ats, asst=asst)
    return user
