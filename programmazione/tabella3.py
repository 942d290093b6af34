"""Objectives in and out as a flat table in the layout of the regional *Tabella 3*.

One row per objective, one column per field of the Tabella 3 (header: the labels below, or the
field names). The export adds a sheet of indicators and one of resources; the import reads the
first sheet only. An import is all-or-nothing: every error is reported with row and column, and
nothing is saved unless the whole file is right. Rows whose code already exists in the plan
update that objective; the others are added.
"""

import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from zona.lib import importazione, valori
from zona.lib.importazione import Colonna, RigaErrata, Tracciato
from zona.lib.tabular import Errore, FileRifiutato
from zona.lib.valori import mostra

from . import services
from .models import AreaPolicy, Obiettivo, PeriodoImporto

COLONNE = [
    ("codice", "Codice"),
    ("area_policy", "Area di policy (A-J)"),
    ("macroarea", "Macroarea dell'Ambito"),
    ("titolo", "Titolo obiettivo"),
    ("descrizione", "Descrizione obiettivo"),
    ("target", "Target"),
    ("risorse_economiche", "Risorse economiche preventivate"),
    ("budget_stimato", "Importo preventivato (€)"),
    ("periodo_budget", "Periodo dell'importo (annuale, triennio, una tantum)"),
    ("risorse_personale", "Risorse di personale dedicate"),
    ("aree_trasversali", "Trasversale con le aree di policy"),
    ("integrazione_sociosanitaria", "Integrazione sociosanitaria (SI/NO)"),
    ("continuita", "In continuità con la programmazione precedente (SI/NO)"),
    ("continua", "Codice dell'obiettivo precedente"),
    ("coprogettato", "Co-progettato con altri attori della rete (SI/NO)"),
    ("partner", "Attori della co-progettazione"),
    ("bisogni", "Bisogni a cui risponde"),
    ("processo", "Modalità organizzative (indicatori di processo)"),
    ("output", "Risultati attesi (indicatori di output)"),
    ("outcome", "Impatto (indicatori di outcome)"),
]
OBBLIGATORIE = {"titolo", "area_policy"}
SI_NO = {"integrazione_sociosanitaria", "continuita", "coprogettato"}
TESTI = {
    "descrizione",
    "target",
    "risorse_economiche",
    "risorse_personale",
    "partner",
    "bisogni",
    "processo",
    "output",
    "outcome",
}
TRACCIATO = Tracciato(
    *(Colonna(chiave, etichetta, obbligatoria=chiave in OBBLIGATORIE) for chiave, etichetta in COLONNE),
    sconosciute="errore",
)
MAX_BYTES = 5 * 1024 * 1024
# The longest text a field of the Tabella 3 takes from a file (the descriptions of the seeds
# are a few thousand characters).
MAX_TESTO = 20_000


def leggi_file(contenuto, nome_file):
    """An uploaded file opened for importa_obiettivi; its header is checked at once."""
    tabella = importazione.apri(contenuto, nome_file, MAX_BYTES)
    TRACCIATO.indici(tabella.intestazione)
    return tabella


def _si_no(valore):
    testo = str(valore or "").strip().lower().rstrip(".")
    if testo in {"si", "sì", "s", "yes", "true", "1", "vero", "x"}:
        return True
    if testo in {"no", "n", "false", "0", "falso", ""}:
        return False
    raise ValueError(f"«{mostra(valore)}» non è SI o NO.")


_PERIODI = {
    "annuale": PeriodoImporto.ANNUALE,
    "annuo": PeriodoImporto.ANNUALE,
    "annua": PeriodoImporto.ANNUALE,
    "all'anno": PeriodoImporto.ANNUALE,
    "triennio": PeriodoImporto.TRIENNIO,
    "triennale": PeriodoImporto.TRIENNIO,
    "per il triennio": PeriodoImporto.TRIENNIO,
    "una tantum": PeriodoImporto.UNA_TANTUM,
    "una_tantum": PeriodoImporto.UNA_TANTUM,
}


def _periodo(valore):
    testo = " ".join(str(valore or "").replace("’", "'").lower().split())
    if not testo:
        return ""
    if testo in _PERIODI:
        return _PERIODI[testo]
    raise ValueError(f"periodo «{mostra(valore)}» sconosciuto (annuale, triennio o una tantum).")


def _lettere(valore, aree):
    lettere = [p.strip().upper().rstrip(".") for p in str(valore or "").replace(",", "|").replace(";", "|").split("|")]
    lettere = [lettera for lettera in lettere if lettera]
    ignote = [mostra(lettera, 10) for lettera in lettere if lettera not in aree]
    if ignote:
        raise ValueError("aree di policy sconosciute: " + ", ".join(ignote[:10]) + " (usare le lettere A-J).")
    return [aree[lettera] for lettera in lettere]


def importa_obiettivi(utente, piano, tabella, fonte=""):
    """Create or update the plan's objectives from `tabella` (leggi_file, or a Tabella of
    field-name columns), all or nothing (zona.lib.importazione).

    Returns (created, updated). Raises FileRifiutato with every error, having saved nothing."""
    services.verifica_permesso(utente, piano)
    try:
        services.verifica_modificabile(piano)
    except ValidationError as e:
        raise FileRifiutato([Errore(None, None, m) for m in e.messages]) from None
    aree = {a.codice: a for a in AreaPolicy.objects.all()}
    macro = {}
    for m in piano.macroaree.all():
        macro[m.codice.lower()] = m
        macro[m.titolo.lower()] = m
    esistenti = {o.codice: o for o in piano.obiettivi.all()}
    precedenti = {
        o.codice: o
        for o in Obiettivo.objects.filter(piano__ambito=piano.ambito, piano__anno_inizio__lt=piano.anno_inizio)
    }
    conteggi = {"creati": 0, "aggiornati": 0}

    def riga(r):
        campi, m2m = {}, {}
        codice = r.valore("codice", valori.testo, max_lunghezza=20) or ""
        if codice and (prima := r.gia_vista(codice)):
            r.errore("codice", f"codice ripetuto (già alla riga {prima}).")
        titolo = r.valore("titolo", valori.testo, max_lunghezza=400)
        if titolo == "":
            r.errore("titolo", "campo obbligatorio vuoto.")
        campi["titolo"] = titolo
        lettera = r.testo("area_policy").upper().rstrip(".")
        if not lettera:
            r.errore("area_policy", "campo obbligatorio vuoto.")
        elif lettera in aree:
            campi["area_policy"] = aree[lettera]
        else:
            r.errore("area_policy", f"area di policy «{mostra(lettera)}» sconosciuta (usare una lettera da A a J).")
        nome_macro = r.testo("macroarea")
        if nome_macro:
            if nome_macro.lower() in macro:
                campi["macroarea"] = macro[nome_macro.lower()]
            else:
                r.errore("macroarea", f"macroarea «{mostra(nome_macro)}» non definita nel piano.")
        for chiave in SI_NO:
            if chiave in r:
                try:
                    campi[chiave] = _si_no(r[chiave])
                except ValueError as e:
                    r.errore(chiave, str(e))
        if "budget_stimato" in r:
            campi["budget_stimato"] = r.valore("budget_stimato", valori.importo, max_cifre=12, obbligatorio=False)
            try:
                campi["periodo_budget"] = _periodo(r["periodo_budget"])
            except ValueError as e:
                r.errore("periodo_budget", str(e))
            if campi.get("budget_stimato") is None:
                campi["periodo_budget"] = ""
            elif campi.get("periodo_budget") == "":
                r.errore("periodo_budget", "manca il periodo dell'importo: annuale, triennio o una tantum.")
        if "aree_trasversali" in r:
            try:
                # The sources sometimes list the main area among the cross-cutting ones too.
                m2m["aree_trasversali"] = [a for a in _lettere(r["aree_trasversali"], aree) if a.codice != lettera]
            except ValueError as e:
                r.errore("aree_trasversali", str(e))
        precedente = r.testo("continua")
        if precedente:
            if precedente in precedenti:
                campi["continua"] = precedenti[precedente]
            else:
                r.errore("continua", f"nessun obiettivo «{mostra(precedente)}» nei piani precedenti dell'Ambito.")
        for chiave in TESTI:
            if chiave in r:
                campi[chiave] = r.valore(chiave, valori.testo, max_lunghezza=MAX_TESTO, multilinea=True)
        return codice, campi, m2m

    def scrivi(pronto):
        codice, campi, m2m = pronto
        obiettivo = esistenti.get(codice) or Obiettivo(piano=piano, codice=codice)
        nuovo = obiettivo.pk is None
        for campo, valore in campi.items():
            setattr(obiettivo, campo, valore)
        if nuovo:
            obiettivo.ordine = piano.obiettivi.count() + 1
            obiettivo.fonte = fonte
        try:
            services.salva_obiettivo(utente, obiettivo, obiettivo.versione, m2m=m2m)
        except ValidationError as e:
            raise RigaErrata(None, " ".join(e.messages)) from None
        conteggi["creati" if nuovo else "aggiornati"] += 1

    importazione.importa(tabella, TRACCIATO, riga, scrivi=scrivi)
    return conteggi["creati"], conteggi["aggiornati"]


def _cella(valore):
    if isinstance(valore, bool):
        return "SI" if valore else "NO"
    if isinstance(valore, Decimal):
        return float(valore)
    return "" if valore is None else valore


def _solo_testo(foglio):
    """Text is stored as text: openpyxl would store a cell starting with "=" as a formula.
    Stored as a string, no spreadsheet runs it, and bullet lists ("- …") round-trip unchanged
    (a CSV needs the quote prefix of cella_sicura instead)."""
    for riga in foglio.iter_rows(min_row=2):
        for cella in riga:
            if cella.data_type == "f":
                cella.data_type = "s"


def esporta_xlsx(piano, obiettivi):
    """The plan's objectives as an XLSX: Tabella 3, Indicatori, Risorse."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tabella 3"
    ws.append([etichetta for _, etichetta in COLONNE])
    for o in obiettivi:
        valori = {
            "area_policy": o.area_policy_id,
            "macroarea": o.macroarea.codice if o.macroarea else "",
            "aree_trasversali": "|".join(a.codice for a in o.aree_trasversali.all()),
            "continua": o.continua.codice if o.continua else "",
        }
        ws.append([_cella(valori[k] if k in valori else getattr(o, k)) for k, _ in COLONNE])
    ind = wb.create_sheet("Indicatori")
    anni = piano.anni
    ind.append(
        ["Obiettivo", "Tipo", "Indicatore", "Unità", "Baseline", "Anno baseline"] + [f"Atteso {a}" for a in anni]
    )
    for o in obiettivi:
        for i in o.indicatori.all():
            target = {t.anno: t.valore for t in i.target.all()}
            ind.append(
                [
                    _cella(x)
                    for x in [o.codice, i.get_tipo_display(), i.descrizione, i.unita, i.baseline, i.anno_baseline]
                ]
                + [_cella(target.get(a)) for a in anni]
            )
    ris = wb.create_sheet("Risorse")
    ris.append(["Obiettivo", "Anno", "Fondo", "Importo (€)", "Note"])
    for o in obiettivi:
        for r in o.risorse.all():
            ris.append([_cella(x) for x in [o.codice, r.anno, r.get_fondo_display(), r.importo, r.note]])
    for foglio in wb.worksheets:
        _solo_testo(foglio)
        for cella in foglio[1]:
            cella.font = Font(bold=True)
            cella.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
