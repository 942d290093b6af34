"""Demo monitoring data from the seeds: the 2018-2020 evaluation of Alto Sebino (Tabella 2),
the 2018-2020 outcome of Dalmine (listed projects and printed counts), the measured values of
the Dalmine 2024 project sheet. Idempotent: loaded once per plan."""

import csv
import datetime
import re
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from programmazione.demo import DATA as DATI_PROGRAMMAZIONE
from programmazione.demo import SEED_001, SEED_003, leggi_csv
from programmazione.models import (
    MacroArea,
    MotivoAttuazione,
    Obiettivo,
    Piano,
    StatoAttuazione,
    StatoPiano,
)
from territorio.models import Ambito
from zona.lib.text import normalizza

from .models import ConteggioDichiarato, Misurazione, Valutazione

DATA = Path(__file__).resolve().parent / "data"
SEED_004 = "Slide dell'Ambito di Dalmine «Verso il Piano di Zona 2021-2023»"


def _si_no(valore):
    return {"si": True, "no": False}.get((valore or "").strip().lower())


def _percento(valore):
    testo = (valore or "").strip()
    return (int(testo), "") if testo.isdigit() else (None, testo)


def stato_da_grado(grado, testo):
    """The status of a 2018-2020 objective from its degree of achievement (Tabella 2): 100 % is
    carried out, 0 % not carried out, anything between partly; text grades are read by hand."""
    if grado is None:
        return (
            StatoAttuazione.NON_ATTUATO
            if "non" in testo.lower() and "avviat" in testo.lower()
            else StatoAttuazione.PARZIALMENTE_ATTUATO
        )
    if grado >= 100:
        return StatoAttuazione.ATTUATO
    if grado == 0:
        return StatoAttuazione.NON_ATTUATO
    return StatoAttuazione.PARZIALMENTE_ATTUATO


@transaction.atomic
def carica_valutazioni_alto_sebino():
    piano = Piano.objects.get(ambito="alto-sebino", anno_inizio=2018)
    if Valutazione.objects.filter(obiettivo__piano=piano).exists():
        return 0
    cartella = DATI_PROGRAMMAZIONE / "alto-sebino-2018-2020"
    aree = {r["codice"]: r["area"] for r in leggi_csv(cartella / "obiettivi.csv")}
    macro = {}
    for ordine, area in enumerate(dict.fromkeys(aree.values()), start=1):
        macro[area] = MacroArea.objects.create(piano=piano, codice=f"area-{ordine}", titolo=area, ordine=ordine)
    obiettivi = {o.codice: o for o in piano.obiettivi.all()}
    for codice, area in aree.items():
        obiettivi[codice].macroarea = macro[area]
        obiettivi[codice].save(update_fields=["macroarea"])
        macro[area].aree_policy.add(obiettivi[codice].area_policy)
    for r in leggi_csv(cartella / "valutazioni.csv"):
        ob = obiettivi[r["obiettivo"]]
        grado, grado_testo = _percento(r["grado_raggiungimento"])
        coincidenza, coincidenza_testo = _percento(r["coincidenza_risorse"])
        Valutazione.objects.create(
            obiettivo=ob,
            grado_raggiungimento=grado,
            grado_testo=grado_testo,
            valutazione_utenti=r["valutazione_utenti"],
            coincidenza_risorse=coincidenza,
            coincidenza_testo=coincidenza_testo,
            criticita=r["criticita"],
            piano_miglioramento=r["piano_miglioramento"],
            risposto_bisogno=_si_no(r["risposto_bisogno"]),
            risposto_bisogno_motivo=r["risposto_bisogno_motivo"],
            continuita_precedente=_si_no(r["continuita_precedente"]),
            riproposto=_si_no(r["riproposto"]),
            riproposto_motivo=r["riproposto_motivo"],
            fonte=f"{SEED_001}, righe {r['righe']} del testo",
        )
        ob.stato = stato_da_grado(grado, grado_testo)
        ob.save()
    return len(obiettivi)


_MOTIVI = {normalizza(label): code for code, label in MotivoAttuazione.choices}
_MOTIVI[normalizza("necessità di ulteriore investimento")] = MotivoAttuazione.ULTERIORE_INVESTIMENTO
_MOTIVI[normalizza("valutazione necessaria per una decisione futura")] = MotivoAttuazione.VALUTAZIONE


@transaction.atomic
def carica_dalmine_2018():
    ambito = Ambito.objects.get(pk="dalmine")
    if Piano.objects.filter(ambito=ambito, anno_inizio=2018).exists():
        return None
    cartella = DATA / "dalmine-2018-2020"
    piano = Piano.objects.create(
        ambito=ambito,
        anno_inizio=2018,
        anno_fine=2020,
        stato=StatoPiano.CHIUSO,
        titolo="Piano di Zona 2018-2020",
        fonte=f"{SEED_004}: esito della programmazione 2018-2020",
    )
    progetti = leggi_csv(cartella / "progetti.csv")
    macro = {}
    for ordine, area in enumerate(dict.fromkeys(p["area"] for p in progetti), start=1):
        macro[area] = MacroArea.objects.create(piano=piano, codice=f"area-{ordine}", titolo=area, ordine=ordine)
    for n, p in enumerate(progetti, start=1):
        Obiettivo.objects.create(
            piano=piano,
            codice=f"D18-{n:02d}",
            ordine=n,
            macroarea=macro[p["area"]],
            titolo=p["titolo"][:400],
            # The slides list the projects but their status column did not survive: only the
            # projects the text names as not carried out have a status.
            stato=p["stato"],
            motivo=_MOTIVI.get(normalizza(p["motivo_categoria"]), ""),
            motivo_testo=p["motivo"][:300],
            fonte=f"{SEED_004}, riga {p['righe']} del testo",
        )
    for c in leggi_csv(cartella / "conteggi.csv"):
        stampata = re.search(r"\((\d+(?:,\d+)?)%\)", c["testo"])
        ConteggioDichiarato.objects.create(
            piano=piano,
            area=c["area"],
            stato=c["stato"],
            numero=int(c["numero"]),
            percentuale_stampata=Decimal(stampata.group(1).replace(",", ".")) if stampata else None,
            macroarea=macro.get(c["area_progetti"]),
            testo=c["testo"],
            fonte=f"{SEED_004}, riga {c['righe']} del testo",
        )
    return piano


@transaction.atomic
def carica_misure_dalmine_2024():
    piano = Piano.objects.get(ambito="dalmine", anno_inizio=2021)
    if Misurazione.objects.filter(indicatore__obiettivo__piano=piano).exists():
        return 0
    indicatori = {i.descrizione.split(" – ")[0]: i for i in piano.obiettivi.get().indicatori.all()}
    n = 0
    with open(DATI_PROGRAMMAZIONE / "dalmine-2024" / "indicatori.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            Misurazione.objects.create(
                indicatore=indicatori[r["codice"]],
                anno=2024,
                semestre=None,
                data=datetime.date.fromisoformat(r["data_rilevazione"]),
                valore=Decimal(r["valore"]),
                nota=r["valore_testo"],
                fonte=f"{SEED_003}, righe {r['righe']} del testo",
            )
            n += 1
    return n


def carica_demo():
    return carica_valutazioni_alto_sebino(), carica_dalmine_2018(), carica_misure_dalmine_2024()
