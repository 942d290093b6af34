"""Demo data of the service offer.

What the seeds give: Tab. 3.1 of the Piano di Zona 2021-2023 of Alto Sebino lists the
facilities of the Ambito by type with their number and accredited places (Open Data Regione
Lombardia - AFAM), without names, addresses or managing bodies; those totals are already in the
knowledge base (measures `strutture` and `posti`, conoscenza/data/fonti/alto_sebino_tab_3_1.csv).
Tab. 3.2-3.4 are users of SAD/ADM and third-sector organisations (also there). The seeds give
no staffing of social workers and no LEPS figure for any Ambito: the LEPS dashboard says
«dato mancante» everywhere, as it should.

So that the register, the unit pages and the directory can be seen, the demo adds one unit for
each type of which Tab. 3.1 counts exactly one in Alto Sebino, with the places the table gives;
their names, Comune and managing body are illustrative (the source does not give them) and say
so in `fonte`; types with several units (3 RSA, 4 asili nido) are not split, since the table
does not say how. One illustrative unit in Dalmine lets the permissions be seen across two
Ambiti. The rest of the province is left empty.

The register's places go to the knowledge base (offerta.copertura) as the register of 2023, the
last year the demo has the population of (conoscenza.demo.ANNI_GEOPOP): the coverage of the
elderly then shows for Lovere, Alto Sebino, its Distretto and the ATS. Tab. 3.1's own totals
are of 2021, a year without population in the demo, so they give no coverage."""

from conoscenza.demo import ANNI_GEOPOP
from conoscenza.models import Caricamento
from territorio.models import Comune

from . import copertura
from .models import UnitaOfferta

ANNO_REGISTRO = ANNI_GEOPOP[-1]

FONTE_TAB_3_1 = (
    "Posti accreditati: Tabella 3.1 del Piano di Zona 2021-2023 dell'Ambito Alto Sebino (Open Data Regione "
    "Lombardia - AFAM); nome, Comune ed ente gestore illustrativi (la fonte non li indica)"
)
FONTE_ILLUSTRATIVA = "Unità illustrativa della demo: nessuna fonte"
CF_ILLUSTRATIVO = "00000000000"  # valid check digit, obviously not a real body

# (type, name, Comune, accredited places, source)
UNITA = [
    ("cdd", "CDD dell'Alto Sebino (esempio)", "Lovere", 20, FONTE_TAB_3_1),
    ("cse", "CSE dell'Alto Sebino (esempio)", "Lovere", 10, FONTE_TAB_3_1),
    ("cdi", "CDI dell'Alto Sebino (esempio)", "Lovere", 20, FONTE_TAB_3_1),
    ("centro-diurno-anziani", "Centro diurno anziani dell'Alto Sebino (esempio)", "Lovere", 30, FONTE_TAB_3_1),
    (
        "centro-educativo-diurno-minori",
        "Centro educativo diurno per minori dell'Alto Sebino (esempio)",
        "Lovere",
        14,
        FONTE_TAB_3_1,
    ),
    ("asilo-nido", "Asilo nido di Dalmine (esempio)", "Dalmine", None, FONTE_ILLUSTRATIVA),
]


def carica_demo():
    """Returns the number of units of the demo (idempotent)."""
    comuni = {c.nome: c for c in Comune.objects.filter(nome__in={u[2] for u in UNITA}, sigla_provincia="BG")}
    n = 0
    for tipo, nome, comune, posti, fonte in UNITA:
        if comune not in comuni:
            continue
        UnitaOfferta.objects.update_or_create(
            tipo_id=tipo,
            nome=nome,
            comune=comuni[comune],
            defaults={
                "ente_gestore": "Ente gestore di esempio",
                "natura_ente": "terzo_settore",
                "codice_fiscale_ente": CF_ILLUSTRATIVO,
                "posti_accreditati": posti,
                "posti_autorizzati": posti,
                "apertura": "",
                "fonte": fonte,
            },
        )
        n += 1
    if not Caricamento.objects.filter(nome_file=copertura.nome_file(ANNO_REGISTRO), sostituito_da=None).exists():
        copertura.pubblica(ANNO_REGISTRO)
    return n
