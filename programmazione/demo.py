"""Demo plans from the seeds: Alto Sebino 2018-2020 and 2021-2023, the Prologo 2025-2027.

The objectives go through the same importer as a user's Tabella 3 file. Loading is idempotent:
a plan already present is left as it is (someone may have edited it in the demo).
"""

import csv
import datetime
from pathlib import Path

from django.db import transaction

from territorio.models import ASST, ATS, Ambito, AppartenenzaComune
from zona.lib import importazione
from zona.lib.tabular import Riga

from . import services, tabella3
from .models import (
    AccordoDiProgramma,
    Azione,
    AzioneProvinciale,
    Corresponsabilita,
    IndicatoreObiettivo,
    MacroArea,
    Obiettivo,
    ObiettivoProvinciale,
    Piano,
    Progetto,
    Prologo,
    Sottoscrittore,
    StatoPiano,
    Target,
    TipoSottoscrittore,
)

DATA = Path(__file__).resolve().parent / "data"
SEED_001 = "Piano di Zona 2021-2023 dell'Ambito Alto Sebino"
SEED_002 = "Prologo ai Piani di Zona 2025-2027 (ATS Bergamo e i 14 Ambiti)"

# The 2018-2020 sheets give no regional area (the A-J areas came with the 2021 guidelines):
# Zona maps each 2018-2020 area of the plan to the closest one, and says so in `fonte`.
AREE_2018 = {
    "Domiciliarità": "D",
    "Disabilità": "J",
    "Immigrazione": "C",
    "Digitalizzazione": "F",
    "Minori e famiglia": "I",
    "Politiche giovanili": "G",
}


def leggi_csv(percorso):
    with open(percorso, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _righe(percorso, righe_fonte):
    """CSV rows as importer rows; the seed line numbers become the objective's source."""
    righe = []
    for numero, r in enumerate(leggi_csv(percorso), start=2):
        valori = {k: v for k, v in r.items() if k in dict(tabella3.COLONNE)}
        righe.append(Riga(numero, valori))
        righe_fonte[r["codice"]] = r.get("righe", "")
    return righe


def _fonte_obiettivi(piano, righe_fonte, documento):
    for ob in piano.obiettivi.all():
        if ob.codice in righe_fonte:
            ob.fonte = f"{documento}, righe {righe_fonte[ob.codice]} del testo"
            ob.save(update_fields=["fonte"])


@transaction.atomic
def carica_alto_sebino():
    ambito = Ambito.objects.get(pk="alto-sebino")
    caricati = []
    if not Piano.objects.filter(ambito=ambito, anno_inizio=2018).exists():
        caricati.append(_alto_sebino_2018(ambito))
    if not Piano.objects.filter(ambito=ambito, anno_inizio=2021).exists():
        caricati.append(_alto_sebino_2021(ambito))
    return caricati


def _alto_sebino_2018(ambito):
    cartella = DATA / "alto-sebino-2018-2020"
    piano = Piano.objects.create(
        ambito=ambito,
        anno_inizio=2018,
        anno_fine=2020,
        titolo="Piano di Zona 2018-2020",
        fonte=f"{SEED_001}: valutazione degli obiettivi 2018-2020 (Tabella 2)",
    )
    righe, righe_fonte = [], {}
    for numero, r in enumerate(leggi_csv(cartella / "obiettivi.csv"), start=2):
        area = next(v for k, v in AREE_2018.items() if r["area"].startswith(k))
        righe.append(
            Riga(
                numero,
                {"codice": r["codice"], "titolo": r["titolo"], "area_policy": area, "descrizione": r["descrizione"]},
            )
        )
        righe_fonte[r["codice"]] = r["righe"]
    tabella3.importa_obiettivi(None, piano, importazione.da_dizionari(righe))
    for ob in piano.obiettivi.all():
        area = leggi_area(cartella, ob.codice)
        ob.fonte = (
            f"{SEED_001}, righe {righe_fonte[ob.codice]}; area 2018-2020 «{area}», "
            f"area regionale {ob.area_policy_id} assegnata da Zona"
        )
        ob.save(update_fields=["fonte"])
    # Evaluated at the end of the triennio: the plan is over. Its approval date is not in the seeds.
    piano.stato = StatoPiano.CHIUSO
    piano.save()
    return piano


def leggi_area(cartella, codice):
    return next(r["area"] for r in leggi_csv(cartella / "obiettivi.csv") if r["codice"] == codice)


def _alto_sebino_2021(ambito):
    cartella = DATA / "alto-sebino-2021-2023"
    piano = Piano.objects.create(
        ambito=ambito,
        anno_inizio=2021,
        anno_fine=2023,
        stato=StatoPiano.BOZZA,
        titolo="Piano di Zona 2021-2023",
        fonte=SEED_001,
    )
    for ordine, r in enumerate(leggi_csv(cartella / "macroaree.csv"), start=1):
        macro = MacroArea.objects.create(
            piano=piano, codice=r["codice"].replace("_", "-"), titolo=r["titolo"], ordine=ordine
        )
        macro.aree_policy.set(r["aree_policy"].split("|"))
    righe_fonte = {}
    righe = _righe(cartella / "obiettivi.csv", righe_fonte)
    # The 2018-2020 objective each one continues, where the two sheets name the same work
    # (continuita.csv): the 2021-2023 sheets only answer «Sì» to «in continuità?».
    continua = {r["obiettivo"]: r["continua"] for r in leggi_csv(cartella / "continuita.csv")}
    for riga in righe:
        riga.valori["macroarea"] = riga.valori["macroarea"].replace("_", "-")
        riga.valori["continua"] = continua.get(riga.valori["codice"], "")
    tabella3.importa_obiettivi(None, piano, importazione.da_dizionari(righe))
    _fonte_obiettivi(piano, righe_fonte, SEED_001)
    for ob in piano.obiettivi.filter(codice__in=continua):
        ob.fonte += f"; collegato a {continua[ob.codice]} da Zona: le due schede descrivono lo stesso intervento"
        ob.save(update_fields=["fonte"])
    obiettivi = {o.codice: o for o in piano.obiettivi.all()}
    contatori = {}
    for r in leggi_csv(cartella / "indicatori.csv"):
        contatori[r["obiettivo"]] = contatori.get(r["obiettivo"], 0) + 1
        IndicatoreObiettivo.objects.create(
            obiettivo=obiettivi[r["obiettivo"]],
            ordine=contatori[r["obiettivo"]],
            tipo=r["tipo"],
            descrizione=r["descrizione"][:500],
        )
    # Approved by the Assemblea dei Sindaci on 15.12.2021 (front page of the plan).
    piano.stato = StatoPiano.APPROVATO
    piano.approvato_il = datetime.date(2021, 12, 15)
    piano.delibera = "Deliberazione dell'Assemblea dei Sindaci del 15.12.2021"
    piano.save()
    accordo = AccordoDiProgramma.objects.create(
        piano=piano,
        note="Sottoscrittori: i Comuni dell'Ambito (dall'anagrafe), l'ATS e l'ASST di riferimento. "
        "Le date di sottoscrizione non sono indicate dalla fonte.",
    )
    giorno = datetime.date(2021, 12, 15)
    for app in AppartenenzaComune.objects.valid_on(giorno).filter(ambito=ambito).select_related("comune"):
        Sottoscrittore.objects.create(
            accordo=accordo, tipo=TipoSottoscrittore.COMUNE, comune=app.comune, nome=f"Comune di {app.comune.nome}"
        )
    Sottoscrittore.objects.create(accordo=accordo, tipo=TipoSottoscrittore.ATS, nome="ATS di Bergamo")
    Sottoscrittore.objects.create(accordo=accordo, tipo=TipoSottoscrittore.ASST, nome="ASST Bergamo Est")
    # The health agencies the sheets name as partners of two socio-health objectives: their
    # users write these objectives and measure their indicators (programmazione.permessi).
    ats, asst = ATS.objects.filter(pk="ats-bergamo").first(), ASST.objects.filter(pk="asst-bergamo-est").first()
    for codice, compiti in CORRESPONSABILI_2021:
        ob = obiettivi.get(codice)
        if ob is None or not ob.integrazione_sociosanitaria:
            continue
        for ente in (e for e in (ats, asst) if e is not None):
            Corresponsabilita.objects.create(
                obiettivo=ob, **{"ats" if isinstance(ente, ATS) else "asst": ente}, compiti=compiti
            )
    return piano


# Objectives of Alto Sebino 2021-2023 whose sheet (Tabella 3, «attori della co-progettazione»)
# names the ATS and the ASST Bergamo Est, and what the sheet asks of them.
CORRESPONSABILI_2021 = [
    ("AS21-03", "Continuità assistenziale: «con l'ATS e l'ASST territorialmente competenti» (scheda AS21-03)."),
    ("AS21-22", "Sistema 0-6 anni: ASST Bergamo Est (Consultorio Familiare e UONPIA) e ATS Bergamo (scheda AS21-22)."),
]


CAMPI_PROLOGO = {
    "descrizione",
    "finalita",
    "strumenti",
    "monitoraggio",
    "verifica",
    "governance",
    "coordinamento_tecnico",
}


@transaction.atomic
def carica_prologo_2025():
    cartella = DATA / "prologo-2025-2027"
    if not (cartella / "obiettivi.csv").exists():
        return None
    ats = ATS.objects.get()
    prologo, creato = Prologo.objects.get_or_create(
        ats=ats,
        anno_inizio=2025,
        defaults={"anno_fine": 2027, "titolo": "Prologo ai Piani di Zona 2025-2027", "fonte": SEED_002},
    )
    if not creato:
        return prologo
    obiettivi = {}
    for r in leggi_csv(cartella / "obiettivi.csv"):
        campi = {k: r[k] for k in CAMPI_PROLOGO if k in r}
        altri = {
            k.replace("_", " "): v
            for k, v in r.items()
            if k not in CAMPI_PROLOGO | {"codice", "tipo", "numero", "titolo", "righe"} and v
        }
        obiettivi[r["codice"]] = ObiettivoProvinciale.objects.create(
            prologo=prologo,
            codice=r["codice"],
            tipo=r["tipo"],
            numero=int(r["numero"]),
            titolo=r["titolo"],
            altri_campi=altri,
            fonte=f"{SEED_002}, righe {r.get('righe', '')}",
            **campi,
        )
    for ordine, r in enumerate(leggi_csv(cartella / "azioni.csv")):
        AzioneProvinciale.objects.create(
            obiettivo=obiettivi[r["obiettivo"]],
            anno=int(r["anno"]) if r["anno"] else None,
            testo=r["testo"],
            ordine=ordine,
        )
    return prologo


SEED_003 = "Scheda progetto 2/2024 dell'Azienda speciale consortile Dalmine Sociale"


# The seeds give the extension, not the act's number: the sheet calls the plan "PdZ 2021-2023(2024)"
# and says the next plan "dovrà essere approvato entro il 31 dicembre 2024 sulla base delle
# indicazioni regionali".
MOTIVO_PROROGA_DALMINE = (
    "Proroga al 31/12/2024 disposta da Regione Lombardia: la scheda progetto 2/2024 cita il «PdZ "
    "2021-2023(2024)» e un nuovo piano da approvare «entro il 31 dicembre 2024 sulla base delle "
    "indicazioni regionali». Le fonti non riportano numero e data dell'atto regionale."
)


@transaction.atomic
def carica_dalmine_2024():
    """Dalmine's 2021-2023 plan, extended to 31.12.2024 (a closed revision), and the 2024 project
    sheet ("write and approve the Piano di Zona 2025-2027") as a project of that plan, detailing
    its system objective carried on into 2024: phases as actions, indicators with their targets;
    the measured values are monitoring data. The plan's other objectives are not in the seeds."""
    cartella = DATA / "dalmine-2024"
    ambito = Ambito.objects.get(pk="dalmine")
    if Piano.objects.filter(ambito=ambito, anno_inizio=2021).exists():
        return None
    piano = Piano.objects.create(
        ambito=ambito,
        anno_inizio=2021,
        anno_fine=2023,
        titolo="Piano di Zona 2021-2023",
        fonte=f"{SEED_003} (il piano è citato come «Piano di Zona 2021-2023(2024)»)",
    )
    scheda = leggi_csv(cartella / "scheda.csv")[0]
    ob = Obiettivo.objects.create(
        piano=piano,
        codice=scheda["obiettivo_n"],
        ordine=1,
        area_policy=None,
        titolo=scheda["obiettivo"].capitalize(),
        descrizione=scheda["descrizione_obiettivo_e_progetto"],
        risorse_personale=scheda["personale_coinvolto"],
        risorse_economiche=scheda["risorse_da_utilizzare"],
        stato="attuato",
        fonte=f"{SEED_003}, righe {scheda['righe']} del testo",
    )
    for r in leggi_csv(cartella / "fasi.csv"):
        Azione.objects.create(
            obiettivo=ob,
            ordine=int(r["numero"]),
            titolo=r["titolo"][:400],
            responsabile=r["responsabile"],
            scadenza=r["scadenza"] or None,
            completata_il=r["completata_il"] or None,
            stato="attuato" if r["completata_il"] else "in_corso",
            note=f"{r['note']}. {r['evaso']}".strip(". "),
        )
    for ordine, r in enumerate(leggi_csv(cartella / "indicatori.csv"), start=1):
        ind = IndicatoreObiettivo.objects.create(
            obiettivo=ob,
            ordine=ordine,
            tipo=r["tipo"],
            descrizione=f"{r['codice']} – {r['descrizione']}"[:500],
            unita=r["unita"],
        )
        if r["target"]:
            Target.objects.create(indicatore=ind, anno=2024, valore=r["target"])
    Progetto.objects.create(
        piano=piano,
        numero=scheda["obiettivo_n"],
        anno=2024,
        titolo=scheda["obiettivo"].capitalize(),
        ente="Azienda speciale consortile Dalmine Sociale",
        obiettivo=ob,
        termine=datetime.date(2024, 12, 31),
        fonte=f"{SEED_003}, righe {scheda['righe']} del testo",
    )
    piano.stato = StatoPiano.CHIUSO
    piano.save()
    services.proroga_piano(
        None,
        piano,
        datetime.date(2024, 12, 31),
        "Regione Lombardia",
        obiettivi=[ob],
        motivo=MOTIVO_PROROGA_DALMINE,
    )
    return piano


def carica_demo():
    """Assumes the reference data (policy areas, LEPS: manage.py carica_riferimenti)."""
    piani = carica_alto_sebino()
    dalmine = carica_dalmine_2024()
    if dalmine:
        piani.append(dalmine)
    prologo = carica_prologo_2025()
    return piani, prologo
