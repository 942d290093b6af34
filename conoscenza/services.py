"""Loading the catalogue and users' data files into the knowledge base."""

import csv
import datetime
import gc
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from territorio.models import ATS, Ambito, AliasComune, Comune, Distretto, Regione
from territorio.services import Risolutore
from territorio.tabular import Errore, FileRifiutato, leggi_tabella
from territorio.text import normalizza

from .models import Caricamento, Indicatore, Livello, Misura, Osservazione, Termine, ValorePubblicato

DATA_DIR = Path(__file__).resolve().parent / "data"
COLONNE_ZONA = ["livello", "codice_territorio", "anno", "misura", "eta_da", "eta_a", "sesso", "categoria", "valore"]
OBBLIGATORIE_ZONA = ["livello", "codice_territorio", "anno", "misura", "valore"]
BATCH = 5000


def _csv(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def carica_catalogo():
    """Measures and indicators with their formulas, from conoscenza/data (idempotent)."""
    with transaction.atomic():
        for r in _csv("misure.csv"):
            Misura.objects.update_or_create(
                codice=r["codice"],
                defaults={
                    "nome": r["nome"],
                    "unita": r["unita"],
                    "per_eta": r["per_eta"] == "1",
                    "per_sesso": r["per_sesso"] == "1",
                    "categorie": r["categorie"],
                    "puo_essere_negativa": r["negativa"] == "1",
                    "descrizione": r["descrizione"],
                },
            )
        for r in _csv("indicatori.csv"):
            Indicatore.objects.update_or_create(
                codice=r["codice"],
                defaults={
                    "nome": r["nome"],
                    "unita": r["unita"],
                    "fattore": Decimal(r["fattore"]),
                    "decimali": int(r["decimali"]),
                    "ordine": int(r["ordine"]),
                    "descrizione": r["descrizione"],
                },
            )
        campi = ["indicatore_id", "parte", "peso", "sfasamento", "misura_id", "eta_da", "eta_a", "sesso", "categoria"]
        nuovi = [
            (
                r["indicatore"],
                r["parte"],
                Decimal(r["peso"]),
                int(r["sfasamento"]),
                r["misura"],
                int(r["eta_da"]) if r["eta_da"] else None,
                int(r["eta_a"]) if r["eta_a"] else None,
                r["sesso"],
                r["categoria"],
            )
            for r in _csv("termini.csv")
        ]
        # Rewrite the formulas only when the file changed: a reload of the demo leaves the
        # catalogue (and its audit trail) as it is.
        if sorted(Termine.objects.values_list(*campi), key=str) != sorted(nuovi, key=str):
            Termine.objects.all().delete()
            Termine.objects.bulk_create(Termine(**dict(zip(campi, t))) for t in nuovi)


# ---------------------------------------------------------------------------------------
# Reading files


@dataclass
class RigaGrezza:
    numero: int
    valori: dict


def leggi_file(contenuto: bytes, nome_file: str, formato: str = "auto", anno: int | None = None):
    """Return (formato, rows as dicts with the columns of the Zona layout)."""
    if formato == "auto":
        formato = "istat" if _sembra_istat(contenuto, nome_file) else "zona"
    if formato == "istat":
        return formato, _leggi_istat(contenuto, nome_file, anno)
    if formato != "zona":
        raise FileRifiutato([Errore(None, None, f"Formato «{formato}» sconosciuto: usare zona o istat.")])
    colonne, righe = leggi_tabella(contenuto, nome_file, settings.ZONA_MAX_UPLOAD_BYTES)
    mancanti = [c for c in OBBLIGATORIE_ZONA if c not in colonne]
    if mancanti:
        raise FileRifiutato([Errore(1, c, "colonna obbligatoria mancante nell'intestazione.") for c in mancanti])
    return formato, [RigaGrezza(r.numero, r.valori) for r in righe]


def _sembra_istat(contenuto, nome_file):
    if not nome_file.lower().endswith(".csv"):
        return False
    inizio = contenuto[:2000].decode("utf-8-sig", errors="replace").lower()
    return "codice comune" in inizio and ("età" in inizio or "eta" in inizio)


_TITOLO_ANNO = re.compile(r"1[°º]?\s*gennaio\s+(\d{4})", re.IGNORECASE)


def _leggi_istat(contenuto, nome_file, anno):
    """ISTAT's file of the resident population by single year of age and sex, per Comune
    (demo.istat.it, "Popolazione residente al 1° gennaio"): optional title lines, then a
    header with `Codice comune`, `Età` (0-100, 999 for the total), `Totale maschi`,
    `Totale femmine`. The year comes from the title ("al 1° gennaio 2023") or `anno`."""
    if len(contenuto) > settings.ZONA_MAX_UPLOAD_BYTES * 20:
        raise FileRifiutato([Errore(None, None, "Il file ISTAT supera la dimensione massima di 100 MB.")])
    try:
        testo = contenuto.decode("utf-8-sig")
    except UnicodeDecodeError:
        testo = contenuto.decode("latin-1")
    linee = testo.splitlines()
    indice_header = next(
        (i for i, line in enumerate(linee[:20]) if "codice comune" in line.lower()),
        None,
    )
    if indice_header is None:
        raise FileRifiutato([Errore(None, None, "Intestazione ISTAT non trovata: manca la colonna «Codice comune».")])
    if anno is None:
        for line in linee[:indice_header]:
            m = _TITOLO_ANNO.search(line)
            if m:
                anno = int(m.group(1))
        if anno is None:
            raise FileRifiutato(
                [Errore(None, None, "Anno non indicato: il titolo non riporta «1° gennaio AAAA»; indicare l'anno.")]
            )
    header_line = linee[indice_header]
    delim = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO("\n".join(linee[indice_header:])), delimiter=delim)
    header = [normalizza(h) for h in next(reader)]

    def col(*nomi):
        for nome in nomi:
            if nome in header:
                return header.index(nome)
        return None

    i_codice, i_eta = col("codice comune"), col("eta")
    i_m, i_f = col("totale maschi", "maschi"), col("totale femmine", "femmine")
    mancanti = [n for n, i in (("Età", i_eta), ("Totale maschi", i_m), ("Totale femmine", i_f)) if i is None]
    if mancanti:
        raise FileRifiutato([Errore(indice_header + 1, m, "colonna mancante nel file ISTAT.") for m in mancanti])
    righe = []
    totali = {}
    for offset, valori in enumerate(reader):
        numero = indice_header + 2 + offset
        if not any(v.strip() for v in valori):
            continue
        codice, eta = valori[i_codice].strip(), valori[i_eta].strip()
        if eta == "999":
            totali[codice] = (numero, valori[i_m].strip(), valori[i_f].strip())
            continue
        for sesso, i in (("M", i_m), ("F", i_f)):
            righe.append(
                RigaGrezza(
                    numero,
                    {
                        "livello": "comune",
                        "codice_territorio": codice,
                        "anno": str(anno),
                        "misura": "popolazione_residente",
                        "eta_da": eta,
                        "eta_a": "" if eta == "100" else eta,
                        "sesso": sesso,
                        "categoria": "",
                        "valore": valori[i].strip() if i < len(valori) else "",
                    },
                )
            )
    _controlla_totali_istat(righe, totali)
    return righe


def _controlla_totali_istat(righe, totali):
    """The file's own total rows (età 999) must equal the sum of its ages."""
    somme = {}
    for r in righe:
        try:
            key = (r.valori["codice_territorio"], r.valori["sesso"])
            somme[key] = somme.get(key, 0) + int(r.valori["valore"])
        except ValueError:
            return  # the row validator reports the bad number
    errori = []
    for codice, (numero, tot_m, tot_f) in totali.items():
        for sesso, tot in (("M", tot_m), ("F", tot_f)):
            if tot.isdigit() and somme.get((codice, sesso)) is not None and somme[(codice, sesso)] != int(tot):
                errori.append(
                    Errore(
                        numero,
                        "Totale maschi" if sesso == "M" else "Totale femmine",
                        f"il totale del Comune {codice} ({tot}) non è la somma delle età ({somme[(codice, sesso)]}).",
                    )
                )
    if errori:
        raise FileRifiutato(errori)


# ---------------------------------------------------------------------------------------
# Validating and storing


class _Territori:
    def __init__(self):
        self.risolutore = Risolutore(Comune.objects.all(), AliasComune.objects.select_related("comune"))
        self.codici = {
            Livello.AMBITO: {a.codice: a.codice for a in Ambito.objects.all()}
            | {normalizza(a.nome): a.codice for a in Ambito.objects.all()},
            Livello.DISTRETTO: {d.codice: d.codice for d in Distretto.objects.all()},
            Livello.ATS: {a.codice: a.codice for a in ATS.objects.all()},
            Livello.REGIONE: {r.codice: r.codice for r in Regione.objects.all()},
            Livello.PROVINCIA: {s: s for s in Comune.objects.values_list("sigla_provincia", flat=True).distinct()},
            Livello.ITALIA: {"IT": "IT"},
        }

    def risolvi(self, livello, valore):
        """Return (codice, errore)."""
        if livello == Livello.COMUNE:
            codice = valore.zfill(6) if valore.isdigit() else None
            comune = self.risolutore.per_codice.get(codice) if codice else self.risolutore.risolvi(valore)
            if comune is None:
                if codice:
                    return None, f"il codice ISTAT «{valore}» non corrisponde a nessun Comune."
                return None, self.risolutore.errore_nome(valore)
            return comune.codice_istat, None
        codici = self.codici[livello]
        codice = codici.get(valore) or codici.get(normalizza(valore)) or codici.get(valore.upper())
        if codice is None:
            return None, f"«{valore}» non è un territorio di livello {livello} in anagrafe."
        return codice, None


def _numero(testo):
    if isinstance(testo, (int, float, Decimal)):
        return Decimal(str(testo))
    testo = str(testo).strip().replace(" ", "")
    if "," in testo and "." not in testo:
        testo = testo.replace(",", ".")
    return Decimal(testo)


def _intero_opzionale(testo):
    testo = str(testo).strip() if testo is not None else ""
    if testo == "":
        return None
    return int(Decimal(testo))


def valida(righe, consentito=None):
    """Turn raw rows into observation and published-value kwargs, or raise FileRifiutato.
    `consentito(livello, codice)` limits the territories the user may load data for."""
    territori = _Territori()
    misure = {m.codice: m for m in Misura.objects.all()}
    indicatori = {i.codice for i in Indicatore.objects.all()}
    anno_max = datetime.date.today().year + 1
    livelli = set(Livello.values)
    errori, osservazioni, pubblicati = [], [], []
    viste = {}
    gruppi = {}  # (misura, livello, codice, anno) -> set of disaggregation kinds, to refuse mixes
    for riga in righe:
        v, n = riga.valori, riga.numero
        livello = str(v.get("livello") or "").strip().lower()
        if livello not in livelli:
            errori.append(Errore(n, "livello", f"livello «{livello}» non valido: usare {', '.join(Livello.values)}."))
            continue
        codice, errore = territori.risolvi(livello, str(v.get("codice_territorio") or "").strip())
        if errore:
            errori.append(Errore(n, "codice_territorio", errore))
            continue
        if consentito is not None and not consentito(livello, codice):
            errori.append(
                Errore(n, "codice_territorio", f"«{codice}» non è un territorio per cui il tuo ruolo può caricare dati.")
            )
            continue
        anno_testo = str(v.get("anno") or "").strip()
        if not re.fullmatch(r"\d{4}", anno_testo) or not 1861 <= int(anno_testo) <= anno_max:
            errori.append(Errore(n, "anno", f"anno «{anno_testo}» non valido: un anno di quattro cifre fino al {anno_max}."))
            continue
        anno = int(anno_testo)
        codice_misura = str(v.get("misura") or "").strip()
        try:
            valore = _numero(v.get("valore"))
            if not valore.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errori.append(Errore(n, "valore", f"«{v.get('valore')}» non è un numero (usare il punto per i decimali)."))
            continue
        if codice_misura in indicatori and codice_misura not in misure:
            pubblicati.append(
                dict(
                    indicatore_id=codice_misura,
                    livello=livello,
                    codice_territorio=codice,
                    anno=anno,
                    categoria=str(v.get("categoria") or "").strip(),
                    valore=valore,
                    nota=str(v.get("nota") or "")[:300],
                )
            )
            continue
        misura = misure.get(codice_misura)
        if misura is None:
            errori.append(Errore(n, "misura", f"la misura «{codice_misura}» non è nel catalogo."))
            continue
        try:
            eta_da, eta_a = _intero_opzionale(v.get("eta_da")), _intero_opzionale(v.get("eta_a"))
        except (InvalidOperation, ValueError):
            errori.append(Errore(n, "eta_da", "l'età deve essere un numero intero di anni."))
            continue
        if (eta_da is not None and eta_da < 0) or (eta_a is not None and (eta_a < 0 or eta_a < (eta_da or 0))):
            errori.append(Errore(n, "eta_a", "classe di età non valida."))
            continue
        sesso = str(v.get("sesso") or "").strip().upper()
        if sesso not in ("", "M", "F"):
            errori.append(Errore(n, "sesso", f"sesso «{sesso}» non valido: M, F o vuoto."))
            continue
        if valore < 0 and not misura.puo_essere_negativa:
            errori.append(Errore(n, "valore", f"valore negativo ({valore}) per una misura che conta ({misura.unita})."))
            continue
        categoria = str(v.get("categoria") or "").strip()
        chiave = (misura.codice, livello, codice, anno, eta_da, eta_a, sesso, categoria)
        if chiave in viste:
            errori.append(Errore(n, None, f"riga duplicata: stessi territorio, anno, misura e disaggregazione della riga {viste[chiave]}."))
            continue
        viste[chiave] = n
        tipo = (eta_da is not None or eta_a is not None, sesso != "")
        gruppo = gruppi.setdefault((misura.codice, livello, codice, anno, categoria), (n, tipo))
        if gruppo[1] != tipo:
            errori.append(
                Errore(n, None, f"la riga {gruppo[0]} e questa mescolano totali e dati per età o sesso dello stesso territorio e anno.")
            )
            continue
        osservazioni.append(
            dict(
                misura_id=misura.codice,
                livello=livello,
                codice_territorio=codice,
                comune_id=codice if livello == Livello.COMUNE else None,
                anno=anno,
                data_riferimento=datetime.date(anno, 1, 1),
                eta_da=eta_da,
                eta_a=eta_a,
                sesso=sesso,
                categoria=categoria,
                valore=valore,
            )
        )
    if errori:
        raise FileRifiutato(errori[:200] + ([Errore(None, None, f"… e altri {len(errori) - 200} errori.")] if len(errori) > 200 else []))
    if not osservazioni and not pubblicati:
        raise FileRifiutato([Errore(None, None, "Il file non contiene righe di dati.")])
    return osservazioni, pubblicati


def importa_dati(
    contenuto: bytes, nome_file: str, *, formato="auto", anno=None, fonte="", utente=None, consentito=None, progresso=None
):
    """Validate and store a data file, all or nothing. A file that brings a measure for a
    territory and year already loaded replaces those values; the earlier load stays in the
    history. `progresso(fatti, totale)` is called while storing."""
    # A national file makes millions of small objects that all live until the end: the
    # cyclic garbage collector would walk them again and again for nothing.
    gc_attivo = gc.isenabled()
    gc.disable()
    try:
        return _importa(contenuto, nome_file, formato, anno, fonte, utente, consentito, progresso)
    finally:
        if gc_attivo:
            gc.enable()


def _importa(contenuto, nome_file, formato, anno, fonte, utente, consentito, progresso):
    formato, righe = leggi_file(contenuto, nome_file, formato, anno)
    osservazioni, pubblicati = valida(righe, consentito)
    with transaction.atomic():
        caricamento = Caricamento.objects.create(
            nome_file=nome_file,
            formato=formato,
            fonte=fonte or nome_file,
            utente=utente,
            righe=len(osservazioni) + len(pubblicati),
        )
        _sostituisci(caricamento, osservazioni, pubblicati)
        _scrivi(caricamento, osservazioni, progresso)
        ValorePubblicato.objects.bulk_create(ValorePubblicato(caricamento=caricamento, **p) for p in pubblicati)
    return caricamento


_COLONNE_COPY = [
    "caricamento_id", "attiva", "misura_id", "livello", "codice_territorio", "comune_id", "anno",
    "data_riferimento", "eta_da", "eta_a", "sesso", "categoria", "valore",
]


def _scrivi(caricamento, osservazioni, progresso):
    """Store validated observations: PostgreSQL's COPY where available (a national file has
    millions of rows), the ORM's bulk insert elsewhere. Same rows, same transaction."""
    totale = len(osservazioni)
    if connection.vendor == "postgresql":
        tabella = Osservazione._meta.db_table
        sql = f"COPY {tabella} ({', '.join(_COLONNE_COPY)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for i, o in enumerate(osservazioni, start=1):
                copy.write_row(
                    (
                        caricamento.pk, True, o["misura_id"], o["livello"], o["codice_territorio"], o["comune_id"],
                        o["anno"], o["data_riferimento"], o["eta_da"], o["eta_a"], o["sesso"], o["categoria"],
                        o["valore"],
                    )
                )
                if progresso and i % BATCH == 0:
                    progresso(i, totale)
        if progresso:
            progresso(totale, totale)
        return
    for inizio in range(0, totale, BATCH):
        Osservazione.objects.bulk_create(
            [Osservazione(caricamento=caricamento, **o) for o in osservazioni[inizio : inizio + BATCH]]
        )
        if progresso:
            progresso(min(inizio + BATCH, totale), totale)


def _sostituisci(caricamento, osservazioni, pubblicati):
    """Deactivate earlier values of the same measures, categories, territories and years."""
    territori_per_chiave = {}
    for o in osservazioni:
        chiave = (o["misura_id"], o["livello"], o["anno"], o["categoria"])
        territori_per_chiave.setdefault(chiave, set()).add(o["codice_territorio"])
    precedenti = set()
    for (misura, livello, anno, categoria), territori in territori_per_chiave.items():
        vecchie = Osservazione.objects.filter(
            misura_id=misura,
            livello=livello,
            anno=anno,
            categoria=categoria,
            attiva=True,
            codice_territorio__in=territori,
        )
        precedenti.update(vecchie.values_list("caricamento_id", flat=True).distinct())
        vecchie.update(attiva=False)
    for p in pubblicati:
        vecchi = ValorePubblicato.objects.filter(
            indicatore_id=p["indicatore_id"],
            livello=p["livello"],
            codice_territorio=p["codice_territorio"],
            anno=p["anno"],
            categoria=p["categoria"],
            attiva=True,
        )
        precedenti.update(vecchi.values_list("caricamento_id", flat=True))
        vecchi.update(attiva=False)
    for c in Caricamento.objects.filter(pk__in=precedenti):
        if not c.osservazioni.filter(attiva=True).exists() and not c.valori_pubblicati.filter(attiva=True).exists():
            c.sostituito_da = caricamento
            c.save(update_fields=["sostituito_da"])
