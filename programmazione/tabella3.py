"""Objectives in and out as a flat table in the layout of the regional *Tabella 3*.

One row per objective, one column per field of the Tabella 3 (header: the labels below, or the
field names). The export adds a sheet of indicators and one of resources; the import reads the
first sheet only. An import is all-or-nothing: every error is reported with row and column, and
nothing is saved unless the whole file is right. Rows whose code already exists in the plan
update that objective; the others are added.
"""

import io
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from zona.lib.tabular import Errore, FileRifiutato, Riga, leggi_tabella

from . import services
from .models import AreaPolicy, Obiettivo

COLONNE = [
    ("codice", "Codice"),
    ("area_policy", "Area di policy (A-J)"),
    ("macroarea", "Macroarea dell'Ambito"),
    ("titolo", "Titolo obiettivo"),
    ("descrizione", "Descrizione obiettivo"),
    ("target", "Target"),
    ("risorse_economiche", "Risorse economiche preventivate"),
    ("budget_stimato", "Importo preventivato (€)"),
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
_PER_INTESTAZIONE = {etichetta.lower(): chiave for chiave, etichetta in COLONNE} | {c: c for c, _ in COLONNE}
_ETICHETTA = dict(COLONNE)
MAX_BYTES = 5 * 1024 * 1024


def leggi_file(contenuto, nome_file):
    """Rows of an uploaded file with their keys mapped to field names."""
    intestazione, righe = leggi_tabella(contenuto, nome_file, MAX_BYTES)
    errori = []
    sconosciute = [c for c in intestazione if c and c not in _PER_INTESTAZIONE]
    if sconosciute:
        errori.append(Errore(1, None, "colonne non riconosciute: " + ", ".join(f"«{c}»" for c in sconosciute)))
    mancanti = [_ETICHETTA[k] for k in OBBLIGATORIE if not any(_PER_INTESTAZIONE.get(c) == k for c in intestazione)]
    if mancanti:
        errori.append(
            Errore(1, None, "mancano le colonne obbligatorie: " + ", ".join(f"«{c}»" for c in sorted(mancanti)))
        )
    if errori:
        raise FileRifiutato(errori)
    return [
        Riga(r.numero, {_PER_INTESTAZIONE[k]: v for k, v in r.valori.items() if k in _PER_INTESTAZIONE}) for r in righe
    ]


def _si_no(valore):
    testo = str(valore or "").strip().lower().rstrip(".")
    if testo in {"si", "sì", "s", "yes", "true", "1", "vero", "x"}:
        return True
    if testo in {"no", "n", "false", "0", "falso", ""}:
        return False
    raise ValueError(f"«{valore}» non è SI o NO.")


def _importo(valore):
    if valore in (None, ""):
        return None
    if isinstance(valore, (int, float)):
        valore = Decimal(str(valore))
    else:
        testo = str(valore).replace("€", "").replace(" ", "").strip()
        if "," in testo:  # Italian: 1.234,56
            testo = testo.replace(".", "").replace(",", ".")
        try:
            valore = Decimal(testo)
        except InvalidOperation:
            raise ValueError(f"«{valore}» non è un importo.") from None
    if valore < 0:
        raise ValueError("l'importo non può essere negativo.")
    if valore != valore.quantize(Decimal("0.01")):
        raise ValueError("l'importo ha più di due decimali.")
    return valore


def _lettere(valore, aree):
    lettere = [p.strip().upper().rstrip(".") for p in str(valore or "").replace(",", "|").replace(";", "|").split("|")]
    lettere = [lettera for lettera in lettere if lettera]
    ignote = [lettera for lettera in lettere if lettera not in aree]
    if ignote:
        raise ValueError("aree di policy sconosciute: " + ", ".join(ignote) + " (usare le lettere A-J).")
    return [aree[lettera] for lettera in lettere]


@transaction.atomic
def importa_obiettivi(utente, piano, righe, fonte=""):
    """Create or update the plan's objectives from `righe` (Riga with field-name keys).

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
    errori, pronti, visti = [], [], {}
    for riga in righe:
        v = riga.valori
        ok = True

        def errore(chiave, motivo):
            nonlocal ok
            ok = False
            errori.append(Errore(riga.numero, _ETICHETTA.get(chiave, chiave), motivo))

        codice = str(v.get("codice") or "").strip()
        if codice:
            if codice in visti:
                errore("codice", f"codice ripetuto (già alla riga {visti[codice]}).")
            visti[codice] = riga.numero
        campi, m2m = {}, {}
        for chiave in OBBLIGATORIE:
            if not str(v.get(chiave) or "").strip():
                errore(chiave, "campo obbligatorio vuoto.")
        lettera = str(v.get("area_policy") or "").strip().upper().rstrip(".")
        if lettera:
            if lettera in aree:
                campi["area_policy"] = aree[lettera]
            else:
                errore("area_policy", f"area di policy «{lettera}» sconosciuta (usare una lettera da A a J).")
        nome_macro = str(v.get("macroarea") or "").strip()
        if nome_macro:
            if nome_macro.lower() in macro:
                campi["macroarea"] = macro[nome_macro.lower()]
            else:
                errore("macroarea", f"macroarea «{nome_macro}» non definita nel piano.")
        for chiave in SI_NO:
            if chiave in v:
                try:
                    campi[chiave] = _si_no(v[chiave])
                except ValueError as e:
                    errore(chiave, str(e))
        if "budget_stimato" in v:
            try:
                campi["budget_stimato"] = _importo(v["budget_stimato"])
            except ValueError as e:
                errore("budget_stimato", str(e))
        if "aree_trasversali" in v:
            try:
                # The sources sometimes list the main area among the cross-cutting ones too.
                m2m["aree_trasversali"] = [a for a in _lettere(v["aree_trasversali"], aree) if a.codice != lettera]
            except ValueError as e:
                errore("aree_trasversali", str(e))
        precedente = str(v.get("continua") or "").strip()
        if precedente:
            if precedente in precedenti:
                campi["continua"] = precedenti[precedente]
            else:
                errore("continua", f"nessun obiettivo «{precedente}» nei piani precedenti dell'Ambito.")
        titolo = str(v.get("titolo") or "").strip()
        if len(titolo) > 400:
            errore("titolo", "il titolo supera i 400 caratteri.")
        campi["titolo"] = titolo
        for chiave in TESTI:
            if chiave in v:
                campi[chiave] = str(v[chiave] or "").strip()
        if ok:
            pronti.append((riga.numero, codice, campi, m2m))
    if errori:
        raise FileRifiutato(errori)

    creati = aggiornati = 0
    for ordine, (numero, codice, campi, m2m) in enumerate(pronti, start=1):
        obiettivo = esistenti.get(codice) or Obiettivo(piano=piano, codice=codice)
        nuovo = obiettivo.pk is None
        for campo, valore in campi.items():
            setattr(obiettivo, campo, valore)
        if nuovo:
            obiettivo.ordine = piano.obiettivi.count() + 1
            obiettivo.fonte = fonte
        try:
            services.salva_obiettivo(utente, obiettivo, m2m=m2m)
        except ValidationError as e:
            raise FileRifiutato([Errore(numero, None, m) for m in e.messages]) from None
        creati += nuovo
        aggiornati += not nuovo
    return creati, aggiornati


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
