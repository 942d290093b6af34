"""Loading the catalogue and users' data files into the knowledge base."""

import csv
import datetime
import gc
import re
from array import array
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Sum

from territorio.models import ASST, ATS, AliasComune, Ambito, Comune, Distretto, Regione
from territorio.services import Risolutore
from zona.lib import importazione, valori
from zona.lib.importazione import Colonna, RigaErrata, Tracciato
from zona.lib.tabular import Errore, FileRifiutato, Tabella, decodifica
from zona.lib.text import normalizza
from zona.lib.valori import mostra

from .models import (
    MISURE_CON_TOTALI,
    Caricamento,
    Indicatore,
    Livello,
    Misura,
    Osservazione,
    Termine,
    TotaleComune,
    ValorePubblicato,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
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
            Termine.objects.bulk_create(Termine(**dict(zip(campi, t, strict=True))) for t in nuovi)


# ---------------------------------------------------------------------------------------
# Importing a file: read, validate and store one row at a time (zona.lib.importazione)
#
# A national file of ISTAT's population holds 1.6 million values. Each row is validated as it
# is read and written at once (PostgreSQL's COPY; the ORM's bulk insert elsewhere), inside one
# transaction: memory holds only what the checks need, and a refused file rolls everything
# back. After the first error the rest of the file is still checked, so that the report names
# every error, but nothing more is written.

TRACCIATO_ZONA = Tracciato(
    Colonna("livello", obbligatoria=True),
    Colonna("codice_territorio", obbligatoria=True),
    Colonna("anno", obbligatoria=True),
    Colonna("misura", obbligatoria=True),
    Colonna("eta_da"),
    Colonna("eta_a"),
    Colonna("sesso"),
    Colonna("categoria"),
    Colonna("valore", obbligatoria=True),
    Colonna("nota"),
)
COLONNE_ZONA = [c.nome for c in TRACCIATO_ZONA.colonne if c.nome != "nota"]
TRACCIATO_ISTAT = Tracciato(
    Colonna("codice", "Codice comune", obbligatoria=True),
    Colonna("eta", "Età", obbligatoria=True),
    Colonna("maschi", "Totale maschi", obbligatoria=True, alias=("maschi",)),
    Colonna("femmine", "Totale femmine", obbligatoria=True, alias=("femmine",)),
)


def importa_dati(
    contenuto: bytes,
    nome_file: str,
    *,
    formato="auto",
    anno=None,
    fonte="",
    utente=None,
    consentito=None,
    progresso=None,
):
    """Validate and store a data file, all or nothing. A file that brings a measure for a
    territory and year already loaded replaces those values; the earlier load stays in the
    history. `consentito(livello, codice)` limits the territories the user may load data for;
    `progresso(fatti, totale)` is called while storing (the total is an estimate)."""
    # The checks of a national file keep hundreds of thousands of small objects alive until the
    # end: the cyclic garbage collector would walk them again and again for nothing.
    gc_attivo = gc.isenabled()
    gc.disable()
    try:
        return _importa(contenuto, nome_file, formato, anno, fonte, utente, consentito, progresso)
    finally:
        if gc_attivo:
            gc.enable()


def _importa(contenuto, nome_file, formato, anno, fonte, utente, consentito, progresso):
    file = apri_file(contenuto, nome_file, formato, anno)
    validatore = _Validatore(consentito)
    with transaction.atomic():
        gruppi = file.gruppi(validatore)
        # Looked up before this file's rows are in the table: afterwards the index on
        # (misura, livello, anno, attiva) would have to walk over all of them.
        candidati = _in_uso_con(gruppi) if gruppi is not None else None
        caricamento = Caricamento.objects.create(
            nome_file=nome_file, formato=file.formato, fonte=fonte or nome_file, utente=utente
        )
        file.importa(validatore, _scrittore(caricamento, progresso, file.stima))
        aggiorna_totali(caricamento)
        if candidati is None:
            candidati = _in_uso_con({k[:3] for k in validatore.chiavi}, escluso=caricamento)
        ValorePubblicato.objects.bulk_create(
            ValorePubblicato(caricamento=caricamento, **p) for p in validatore.pubblicati
        )
        _sostituisci(caricamento, validatore.chiavi, validatore.pubblicati, candidati)
        # Known only now: the load's audit trail shows it created, then its row count.
        caricamento.righe = validatore.righe + len(validatore.pubblicati)
        caricamento.save(update_fields=["righe"])
    _aggiorna_statistiche(caricamento.righe)
    return caricamento


# Rows after which the planner's statistics are refreshed at once rather than by autovacuum.
RIGHE_PER_ANALYZE = 100_000


def _aggiorna_statistiche(righe):
    """After a large load PostgreSQL still plans with the statistics of the table before it (a
    query for one Ambito then scans the whole year instead of its Comuni, seconds instead of
    milliseconds) until autovacuum analyzes it: analyze now. It samples, so it takes a second
    even on millions of rows."""
    if righe >= RIGHE_PER_ANALYZE and connection.vendor == "postgresql":
        with connection.cursor() as cursore:
            cursore.execute(f"ANALYZE {Osservazione._meta.db_table}")


def apri_file(contenuto: bytes, nome_file: str, formato: str = "auto", anno: int | None = None):
    """The file as a reader of the Zona layout or of ISTAT's; raise FileRifiutato when its
    header or size is wrong."""
    if formato == "auto":
        formato = "istat" if _sembra_istat(contenuto, nome_file) else "zona"
    if formato == "istat":
        return _FileIstat(contenuto, anno)
    if formato != "zona":
        raise FileRifiutato([Errore(None, None, f"Formato «{mostra(formato)}» sconosciuto: usare zona o istat.")])
    return _FileZona(contenuto, nome_file)


def _sembra_istat(contenuto, nome_file):
    if not nome_file.lower().endswith(".csv"):
        return False
    inizio = decodifica(contenuto[:2000], parziale=True).lower()
    return "codice comune" in inizio and ("età" in inizio or "eta" in inizio)


# Returned by the row function for a published value: kept by the validator, not written.
_PUBBLICATO = object()


class _FileZona:
    formato = "zona"

    def __init__(self, contenuto, nome_file):
        self.tabella = importazione.apri(contenuto, nome_file, settings.ZONA_MAX_UPLOAD_BYTES)
        TRACCIATO_ZONA.indici(self.tabella.intestazione)  # a wrong header is refused before anything
        self.stima = max(len(contenuto) // 40, 1)  # rows, for the progress bar only

    def gruppi(self, validatore):
        return None  # known only once the file is read

    def importa(self, validatore, scrittore):
        @contextmanager
        def scrivi():
            with scrittore as s:
                osservazione = s.scrivi
                yield lambda o: o is _PUBBLICATO or osservazione(o)

        importazione.importa(self.tabella, TRACCIATO_ZONA, validatore.riga, scrivi=scrivi())


_TITOLO_ANNO = re.compile(r"1[°º]?\s*gennaio\s+(\d{4})", re.IGNORECASE)
MISURA_ISTAT = "popolazione_residente"
# Age as ISTAT writes it -> (eta_da, "eta_da<TAB>eta_a" for COPY, eta_a); 100 means "100 and over".
_ETA_ISTAT = {str(e): (e, f"{e}\t{e}" if e < 100 else "100\t\\N", e if e < 100 else None) for e in range(101)}


class _FileIstat:
    """ISTAT's file of the resident population by single year of age and sex, per Comune
    (demo.istat.it, "Popolazione residente al 1° gennaio"): optional title lines, then a
    header with `Codice comune`, `Età` (0-100, 999 for the total), `Totale maschi`,
    `Totale femmine`. The year comes from the title ("al 1° gennaio 2023") or `anno`. The
    total rows (età 999) must equal the sum of the ages. Text in UTF-8 or, as older files
    and Excel on Windows write it, Windows-1252/Latin-1."""

    formato = "istat"

    def __init__(self, contenuto, anno):
        if len(contenuto) > settings.ZONA_MAX_UPLOAD_BYTES * 20:
            raise FileRifiutato([Errore(None, None, "Il file ISTAT supera la dimensione massima di 100 MB.")])
        testo = decodifica(contenuto)
        if "\x00" in testo:
            raise FileRifiutato([Errore(None, None, "Il file non è un CSV di testo.")])
        linee = testo.splitlines()
        indice_header = next((i for i, line in enumerate(linee[:20]) if "codice comune" in line.lower()), None)
        if indice_header is None:
            raise FileRifiutato(
                [Errore(None, None, "Intestazione ISTAT non trovata: manca la colonna «Codice comune».")]
            )
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
        delimitatore = ";" if header_line.count(";") > header_line.count(",") else ","
        intestazione = next(csv.reader([header_line], delimiter=delimitatore))
        self.indici = TRACCIATO_ISTAT.indici(intestazione, riga=indice_header + 1)
        self.anno = anno
        primo = indice_header + 2  # row numbers as a spreadsheet shows them
        righe = enumerate(csv.reader(linee[indice_header + 1 :], delimiter=delimitatore), primo)
        self.tabella = Tabella(intestazione, righe)  # blank lines: the row function skips them
        self.stima = 2 * (len(linee) - indice_header - 1)

    def gruppi(self, validatore):
        return [(MISURA_ISTAT, Livello.COMUNE, self.anno)]

    def importa(self, validatore, scrittore):
        """One row function for every line: regular lines (a known Comune, an age 0-100,
        counts of digits) in a few operations each, the others checked value by value with
        their message. Two observations (males, females) per line."""
        if not validatore.accetta_anno_istat(self.anno):
            raise FileRifiutato(
                [
                    Errore(
                        None,
                        None,
                        f"Anno {self.anno} non valido per la popolazione: dal 1861 al {validatore.anno_max}.",
                    )
                ]
            )
        i_codice, i_eta, i_m, i_f = (self.indici[k] for k in ("codice", "eta", "maschi", "femmine"))
        larghezza = max(i_codice, i_eta, i_m, i_f) + 1
        eta_istat = _ETA_ISTAT
        comuni = {}  # code as written -> (registry code, error)
        viste = {}  # registry code -> row of each age 0-100 already read (0: none)
        oltre = {}  # (registry code, age over 100) -> row
        somme = {}  # code as written -> [males, females], for the totals
        totali = {}
        numeri = True  # every count a number: else the totals are not checked

        def riga(r):
            nonlocal numeri
            v = r.valori
            if len(v) < larghezza:
                if not any(x.strip() for x in v):
                    return None  # a blank line
                v = v + [""] * (larghezza - len(v))
            codice, eta, m, f = v[i_codice].strip(), v[i_eta].strip(), v[i_m].strip(), v[i_f].strip()
            if eta == "999":
                totali[codice] = (r.numero, m, f)
                return None
            comune = comuni.get(codice)
            if comune is None:
                comune = comuni[codice] = validatore.comune_consentito(codice)
            e = eta_istat.get(eta)
            # The regular line; at most 15 digits: the value column holds 16 before the point.
            if not (
                comune[1] is None
                and e is not None
                and m.isdigit()
                and f.isdigit()
                and m.isascii()
                and f.isascii()
                and len(m) < 16
                and len(f) < 16
            ):
                if not any(x.strip() for x in v):
                    return None
                if comune[1] is not None:
                    r.errore("codice", comune[1])
                if e is None:
                    n = r.valore("eta", valori.intero, minimo=0, massimo=150)
                    e = None if n is None else (n, f"{n}\t{n}", n)
                mi = r.valore("maschi", valori.intero, minimo=0, max_cifre=15)
                fi = r.valore("femmine", valori.intero, minimo=0, max_cifre=15)
                if mi is None or fi is None:
                    numeri = False
                    return None
                m, f = str(mi), str(fi)
            # Summed also when another value of the line is wrong: the file's totals speak first.
            s = somme.get(codice)
            if s is None:
                s = somme[codice] = [0, 0]
            s[0] += int(m)
            s[1] += int(f)
            if r.errori:
                return None
            # Duplicates: the row of each age per Comune, in an array (ages 0-100) or a dict.
            vista = viste.get(comune[0])
            if vista is None:
                vista = viste[comune[0]] = array("L", [0]) * 101
            eta_da = e[0]
            prima = vista[eta_da] if eta_da <= 100 else oltre.get((comune[0], eta_da), 0)
            if prima:
                raise RigaErrata(None, f"riga duplicata: stessi Comune ed età della riga {prima}.")
            if eta_da <= 100:
                vista[eta_da] = r.numero
            else:
                oltre[(comune[0], eta_da)] = r.numero
            return comune[0], e, m, f

        def concludi():
            return _errori_totali(totali, somme) if numeri else []

        @contextmanager
        def scrivi():
            with scrittore as s:
                s.inizia_popolazione(self.anno)
                yield s.popolazione

        righe = importazione.importa(self.tabella, TRACCIATO_ISTAT, riga, scrivi=scrivi(), concludi=concludi)
        validatore.registra(MISURA_ISTAT, Livello.COMUNE, self.anno, "", viste.keys(), 2 * righe)


def _errori_totali(totali, somme):
    """The file's own total rows (età 999) against the sum of its ages per code."""
    errori = []
    for codice, (numero, tot_m, tot_f) in totali.items():
        for i, (colonna, tot) in enumerate((("Totale maschi", tot_m), ("Totale femmine", tot_f))):
            somma = somme.get(codice, (None, None))[i]
            if tot.isdigit() and somma is not None and somma != int(tot):
                errori.append(
                    Errore(
                        numero, colonna, f"il totale del Comune {codice} ({tot}) non è la somma delle età ({somma})."
                    )
                )
    return errori


# ---------------------------------------------------------------------------------------
# Validating


class _Territori:
    def __init__(self):
        self.risolutore = Risolutore(Comune.objects.all(), AliasComune.objects.select_related("comune"))
        self.codici = {
            Livello.AMBITO: {a.codice: a.codice for a in Ambito.objects.all()}
            | {normalizza(a.nome): a.codice for a in Ambito.objects.all()},
            Livello.DISTRETTO: {d.codice: d.codice for d in Distretto.objects.all()},
            Livello.ASST: {a.codice: a.codice for a in ASST.objects.all()},
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
                    return None, f"il codice ISTAT «{mostra(valore)}» non corrisponde a nessun Comune."
                return None, self.risolutore.errore_nome(valore)
            return comune.codice_istat, None
        codici = self.codici[livello]
        codice = codici.get(valore) or codici.get(normalizza(valore)) or codici.get(valore.upper())
        if codice is None:
            return None, f"«{mostra(valore)}» non è un territorio di livello {livello} in anagrafe."
        return codice, None


def _eta(r, colonna):
    """An age in years, or None when the cell is empty."""
    testo = r[colonna]
    if testo == "" or testo is None:
        return None
    if isinstance(testo, float) and testo.is_integer():  # an XLSX number from a formula
        testo = int(testo)
    return r.valore(colonna, valori.intero, minimo=0, massimo=150)


class _Validatore:
    """Checks one row at a time and remembers what the later rows are checked against
    (duplicates, totals mixed with disaggregated rows). Collects the published values, the
    number of observations and, for the replacement of earlier loads, the territories per
    (measure, level, year, category)."""

    def __init__(self, consentito=None):
        self.consentito = consentito
        self.territori = _Territori()
        self.misure = {m.codice: m for m in Misura.objects.all()}
        self.indicatori = {i.codice for i in Indicatore.objects.all()}
        self.anno_max = datetime.date.today().year + 1
        self.livelli = set(Livello.values)
        self.pubblicati = []
        self.righe = 0
        self.chiavi = {}  # (misura, livello, anno, categoria) -> {codice_territorio}
        self._gruppi = {}  # (misura, livello, codice, anno, categoria) -> (first row, kind), to refuse mixes
        self._territori_visti, self._anni_visti, self._categorie_viste = {}, {}, {}

    def accetta_anno_istat(self, anno):
        return MISURA_ISTAT in self.misure and 1861 <= anno <= self.anno_max

    def comune_consentito(self, valore):
        """(registry code of a Comune the user may load data for, None) or (None, error)."""
        codice, errore = self.territori.risolvi(Livello.COMUNE, valore)
        if errore:
            return None, errore
        if self.consentito is not None and not self.consentito(Livello.COMUNE, codice):
            return None, f"«{codice}» non è un territorio per cui il tuo ruolo può caricare dati."
        return codice, None

    def _territorio(self, r):
        """(livello, codice, None, None) of the row's territory, or (.., column, error)."""
        livello = r.testo("livello").lower()
        if livello not in self.livelli:
            return None, None, "livello", f"livello «{mostra(livello)}» non valido: usare {', '.join(Livello.values)}."
        try:
            testo = valori.testo(r["codice_territorio"])
        except valori.ValoreNonValido as e:
            return None, None, "codice_territorio", e.motivo
        codice, errore = self.territori.risolvi(livello, testo)
        if errore:
            return None, None, "codice_territorio", errore
        if self.consentito is not None and not self.consentito(livello, codice):
            return (
                None,
                None,
                "codice_territorio",
                f"«{codice}» non è un territorio per cui il tuo ruolo può caricare dati.",
            )
        return livello, codice, None, None

    def registra(self, misura, livello, anno, categoria, codici, righe):
        """Rows checked elsewhere (the reader of ISTAT's file)."""
        self.chiavi.setdefault((misura, livello, anno, categoria), set()).update(codici)
        self.righe += righe

    def riga(self, r):
        """The observation of row `r` of the Zona layout (a tuple in the order of _CAMPI), or
        _PUBBLICATO for a published value (kept here); errors go to the row."""
        # Territories, years and categories repeat from row to row: each distinct text is
        # checked once (the dicts grow at most as the file).
        chiave_t = (r["livello"], r["codice_territorio"])
        territorio = self._territori_visti.get(chiave_t)
        if territorio is None:
            territorio = self._territori_visti[chiave_t] = self._territorio(r)
        livello, codice, colonna, errore = territorio
        if errore:
            raise RigaErrata(colonna, errore)
        testo_anno = r["anno"]
        anno = self._anni_visti.get(testo_anno)
        if anno is None:
            anno = r.valore("anno", valori.anno, minimo=1861, massimo=self.anno_max)
            if anno is not None:
                self._anni_visti[testo_anno] = anno
        # Any number a spreadsheet gives, rounded to the 4 decimals of the column; at most
        # 16 digits before the point. Plain digits, the common case, need no other check.
        testo_valore = r["valore"]
        if (
            isinstance(testo_valore, str)
            and testo_valore.isdigit()
            and testo_valore.isascii()
            and len(testo_valore) <= 16
        ):
            valore = Decimal(testo_valore)
        else:
            valore = r.valore("valore", valori.decimale, max_cifre=36, decimali=20)
        testo_categoria = r["categoria"]
        categoria = self._categorie_viste.get(testo_categoria)
        if categoria is None:
            categoria = r.valore("categoria", valori.testo, max_lunghezza=120)
            if categoria is not None:
                self._categorie_viste[testo_categoria] = categoria
        if r.errori:
            return None
        valore = valore.quantize(_QUATTRO_DECIMALI)
        codice_misura = r.testo("misura")
        if codice_misura in self.indicatori and codice_misura not in self.misure:
            self.pubblicati.append(
                dict(
                    indicatore_id=codice_misura,
                    livello=livello,
                    codice_territorio=codice,
                    anno=anno,
                    categoria=categoria,
                    valore=valore,
                    nota=r.valore("nota", valori.testo, max_lunghezza=300, multilinea=True) or "",
                )
            )
            return _PUBBLICATO
        misura = self.misure.get(codice_misura)
        if misura is None:
            raise RigaErrata("misura", f"la misura «{mostra(codice_misura)}» non è nel catalogo.")
        eta_da = _eta(r, "eta_da")
        eta_a = _eta(r, "eta_a")
        if r.errori:
            return None
        if eta_a is not None and eta_a < (eta_da or 0):
            raise RigaErrata("eta_a", "classe di età non valida.")
        sesso = r.testo("sesso").upper()
        if sesso not in ("", "M", "F"):
            raise RigaErrata("sesso", f"sesso «{mostra(sesso)}» non valido: M, F o vuoto.")
        if valore < 0 and not misura.puo_essere_negativa:
            raise RigaErrata(
                "valore", f"valore negativo ({valore.normalize()}) per una misura che conta ({misura.unita})."
            )
        chiave = (misura.codice, livello, codice, anno, eta_da, eta_a, sesso, categoria)
        if prima := r.gia_vista(chiave):
            raise RigaErrata(
                None, f"riga duplicata: stessi territorio, anno, misura e disaggregazione della riga {prima}."
            )
        tipo = (eta_da is not None or eta_a is not None, sesso != "")
        gruppo = self._gruppi.setdefault((misura.codice, livello, codice, anno, categoria), (r.numero, tipo))
        if gruppo[1] != tipo:
            raise RigaErrata(
                None,
                f"la riga {gruppo[0]} e questa mescolano totali e dati per età o sesso dello stesso territorio e anno.",
            )
        self.chiavi.setdefault((misura.codice, livello, anno, categoria), set()).add(codice)
        self.righe += 1
        return (
            misura.codice,
            livello,
            codice,
            codice if livello == Livello.COMUNE else None,
            anno,
            datetime.date(anno, 1, 1),
            eta_da,
            eta_a,
            sesso,
            categoria,
            valore,
        )


_QUATTRO_DECIMALI = Decimal("0.0001")


# ---------------------------------------------------------------------------------------
# Storing

_CAMPI = [
    "misura_id",
    "livello",
    "codice_territorio",
    "comune_id",
    "anno",
    "data_riferimento",
    "eta_da",
    "eta_a",
    "sesso",
    "categoria",
    "valore",
]


@contextmanager
def _scrittore(caricamento, progresso, stima):
    """Where validated rows go: PostgreSQL's COPY where available, a prepared INSERT run for
    many rows elsewhere. Rows are flushed by `chiudi()`; an exception inside the block writes nothing
    more (and the transaction is rolled back by the caller)."""
    if connection.vendor == "postgresql":
        colonne = ", ".join(["caricamento_id", "attiva"] + _CAMPI)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {Osservazione._meta.db_table} ({colonne}) FROM STDIN") as copy,
        ):
            scrittore = _Copia(copy, caricamento.pk, progresso, stima)
            yield scrittore
            scrittore.chiudi()
    else:
        scrittore = _Righe(caricamento, progresso, stima)
        yield scrittore
        scrittore.chiudi()


class _Scrittore:
    def __init__(self, progresso, stima):
        self.progresso, self.stima = progresso, stima
        self.righe = 0
        self._prossimo = BATCH

    def _avanza(self, righe):
        self.righe += righe
        if self.progresso and self.righe >= self._prossimo:
            self._prossimo = self.righe + BATCH
            self.progresso(self.righe, max(self.righe, self.stima))


class _Copia(_Scrittore):
    def __init__(self, copy, caricamento_id, progresso, stima):
        super().__init__(progresso, stima)
        self.copy = copy
        self.caricamento_id = caricamento_id
        self._buffer = []

    def scrivi(self, o):
        self.copy.write_row((self.caricamento_id, True) + o)
        self._avanza(1)

    def popolazione(self, riga):
        """Two rows (males, females) of ISTAT's file, already checked, as COPY text."""
        codice, eta, m, f = riga
        riga = f"{self._prefisso}{codice}\t{codice}{self._data}{eta[1]}"
        self._buffer.append(f"{riga}\tM\t\t{m}\n{riga}\tF\t\t{f}\n")
        if len(self._buffer) >= 5000:
            self._svuota()

    def inizia_popolazione(self, anno):
        self._prefisso = f"{self.caricamento_id}\tt\t{MISURA_ISTAT}\t{Livello.COMUNE}\t"
        self._data = f"\t{anno}\t{anno}-01-01\t"

    def _svuota(self):
        if self._buffer:
            self.copy.write("".join(self._buffer))
            self._avanza(2 * len(self._buffer))
            self._buffer.clear()

    def chiudi(self):
        self._svuota()
        if self.progresso:
            self.progresso(self.righe, self.righe)


class _Righe(_Scrittore):
    """Elsewhere (SQLite): one prepared INSERT run for many rows. Building a model instance per
    value and letting bulk_create cut the batch into statements of 999 parameters took 22 s of
    the demo's 100.000 values."""

    def __init__(self, caricamento, progresso, stima):
        super().__init__(progresso, stima)
        self.caricamento_id = caricamento.pk
        colonne = ["caricamento_id", "attiva"] + _CAMPI
        self._sql = (
            f"INSERT INTO {connection.ops.quote_name(Osservazione._meta.db_table)} "
            f"({', '.join(connection.ops.quote_name(c) for c in colonne)}) "
            f"VALUES ({', '.join(['%s'] * len(colonne))})"
        )
        self._buffer = []

    def scrivi(self, o):
        # Dates and decimals go through the adapters Django's SQLite backend registers, as the
        # ORM's values do.
        self._buffer.append((self.caricamento_id, True) + o)
        if len(self._buffer) >= BATCH:
            self._svuota()

    def inizia_popolazione(self, anno):
        self._anno = anno

    def popolazione(self, riga):
        codice, eta, m, f = riga
        anno = self._anno
        for sesso, valore in (("M", m), ("F", f)):
            self.scrivi(
                (
                    MISURA_ISTAT,
                    Livello.COMUNE,
                    codice,
                    codice,
                    anno,
                    datetime.date(anno, 1, 1),
                    eta[0],
                    eta[2],
                    sesso,
                    "",
                    Decimal(valore),
                )
            )

    def _svuota(self):
        if self._buffer:
            with connection.cursor() as cursor:
                cursor.executemany(self._sql, self._buffer)
            self._avanza(len(self._buffer))
            self._buffer.clear()

    def chiudi(self):
        self._svuota()
        if self.progresso:
            self.progresso(self.righe, self.righe)


# ---------------------------------------------------------------------------------------
# Replacing earlier loads
#
# Linear in what the file brings and in what the earlier loads hold: the file's keys are held
# in sets and compared with the distinct (category, territory) pairs of each earlier load,
# with a fixed number of queries per (measure, level, year) and per load, however many
# categories or territories the file has (a file of 8.000 categories took 56 s with a query
# per category).

_BLOCCO = 1000  # values per IN (...) list


def _in_uso_con(gruppi, escluso=None):
    """Ids of the loads in use with active values in any (misura, livello, anno)."""
    in_uso = Caricamento.objects.filter(sostituito_da__isnull=True)
    ids = set()
    for misura, livello, anno in gruppi:
        valori_in_uso = Osservazione.objects.filter(
            misura_id=misura, livello=livello, anno=anno, attiva=True, caricamento__in=in_uso
        )
        if escluso is not None:
            valori_in_uso = valori_in_uso.exclude(caricamento=escluso)
        ids.update(valori_in_uso.values_list("caricamento_id", flat=True).distinct())
    return ids


def _blocchi(valori):
    valori = sorted(valori)
    return [valori[i : i + _BLOCCO] for i in range(0, len(valori), _BLOCCO)]


def _rettangoli(coppie):
    """(categories, territories) blocks whose cross product is exactly `coppie`: categories
    with the same territories go together (one block for a file of 8.000 categories of one
    Comune, or of 16 categories of every Comune)."""
    per_categoria = {}
    for categoria, territorio in coppie:
        per_categoria.setdefault(categoria, set()).add(territorio)
    per_territori = {}
    for categoria, territori in per_categoria.items():
        per_territori.setdefault(frozenset(territori), []).append(categoria)
    return [(categorie, territori) for territori, categorie in per_territori.items()]


def _sostituisci(caricamento, chiavi, pubblicati, candidati):
    """Earlier values of the same measures, categories, territories and years no longer count.
    An earlier load that the new file covers entirely is marked as superseded, in one row,
    however many values it has; a load that keeps some values in use has only the covered ones
    deactivated. `candidati`: the loads that can be affected (_in_uso_con)."""
    nuove = {}  # (misura, livello, anno) -> {(categoria, codice_territorio)}
    for (misura, livello, anno, categoria), territori in chiavi.items():
        nuove.setdefault((misura, livello, anno), set()).update((categoria, t) for t in territori)
    toccati = _sostituisci_pubblicati(caricamento, pubblicati)
    altri_gruppi = Q()
    for misura, livello, anno in nuove:
        altri_gruppi |= Q(misura_id=misura, livello=livello, anno=anno)
    precedenti = Caricamento.objects.filter(pk__in=set(candidati) | toccati, sostituito_da__isnull=True)
    for c in precedenti.exclude(pk=caricamento.pk):
        attive = Osservazione.objects.filter(caricamento=c, attiva=True)
        coperte = {}
        # Values of other measures, levels or years keep the load in use.
        resta = attive.exclude(altri_gruppi).exists() if nuove else attive.exists()
        for gruppo, coppie_nuove in nuove.items():
            misura, livello, anno = gruppo
            coppie = set(
                attive.filter(misura_id=misura, livello=livello, anno=anno)
                .values_list("categoria", "codice_territorio")
                .distinct()
            )
            if coppie & coppie_nuove:
                coperte[gruppo] = coppie & coppie_nuove
            resta = resta or bool(coppie - coppie_nuove)
        if not coperte and c.pk not in toccati:
            continue
        if resta or c.valori_pubblicati.filter(attiva=True).exists():
            for (misura, livello, anno), coppie in coperte.items():
                for categorie, territori in _rettangoli(coppie):
                    for blocco_c in _blocchi(categorie):
                        for blocco_t in _blocchi(territori):
                            attive.filter(
                                misura_id=misura,
                                livello=livello,
                                anno=anno,
                                categoria__in=blocco_c,
                                codice_territorio__in=blocco_t,
                            ).update(attiva=False)
                            if livello == Livello.COMUNE and misura in MISURE_CON_TOTALI:
                                # As disattiva(), from what is known here: no query for the
                                # Comuni touched (a Comune's code is its rows' territory).
                                aggiorna_totali(
                                    c, misura_id=misura, anno=anno, categoria__in=blocco_c, comune_id__in=blocco_t
                                )
        else:
            c.sostituito_da = caricamento
            c.save(update_fields=["sostituito_da"])


def disattiva(osservazioni):
    """Deactivate the values `osservazioni` (a queryset) and bring the totals of their loads'
    Comuni (TotaleComune) up to date (_sostituisci does the same inline)."""
    toccati = list(
        osservazioni.filter(livello=Livello.COMUNE, misura_id__in=MISURE_CON_TOTALI)
        .values_list("caricamento_id", "misura_id", "anno", "comune_id")
        .distinct()
        .order_by()
    )
    osservazioni.update(attiva=False)
    per_gruppo = {}
    for caricamento, misura, anno, comune in toccati:
        per_gruppo.setdefault((caricamento, misura, anno), []).append(comune)
    for (caricamento, misura, anno), comuni in per_gruppo.items():
        for blocco in _blocchi(comuni):
            aggiorna_totali(caricamento, misura_id=misura, anno=anno, comune_id__in=blocco)


def aggiorna_totali(caricamento, **filtro):
    """Write again the totals (TotaleComune) of the load `caricamento` (an instance or id), or
    of its values that match `filtro` (fields of both models: misura_id, anno, comune_id,
    categoria), from its active Comune values, in one INSERT ... SELECT."""
    caricamento_id = getattr(caricamento, "pk", caricamento)
    TotaleComune.objects.filter(caricamento_id=caricamento_id, **filtro).delete()
    somme = (
        Osservazione.objects.filter(
            caricamento_id=caricamento_id, livello=Livello.COMUNE, attiva=True, misura_id__in=MISURE_CON_TOTALI
        )
        .filter(**filtro)
        .values(*_CAMPI_TOTALE[:-1])
        .annotate(somma=Sum("valore"))
        .order_by()
    )
    sql, params = somme.query.sql_with_params()
    q = connection.ops.quote_name
    colonne = ", ".join(q(TotaleComune._meta.get_field(c).column) for c in _CAMPI_TOTALE)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {q(TotaleComune._meta.db_table)} ({colonne}) {sql}", params)


_CAMPI_TOTALE = ["caricamento", "misura", "comune", "anno", "data_riferimento", "categoria", "valore"]


def _sostituisci_pubblicati(caricamento, pubblicati):
    """Deactivate the earlier published values the file brings again; return their loads."""
    nuovi = {(p["indicatore_id"], p["livello"], p["anno"], p["categoria"], p["codice_territorio"]) for p in pubblicati}
    toccati = set()
    for indicatore, livello, anno in {k[:3] for k in nuovi}:
        vecchi = (
            ValorePubblicato.objects.filter(indicatore_id=indicatore, livello=livello, anno=anno, attiva=True)
            .exclude(caricamento=caricamento)
            .values_list("pk", "categoria", "codice_territorio", "caricamento_id")
        )
        coperti = []
        for pk, categoria, territorio, caricamento_id in vecchi:
            if (indicatore, livello, anno, categoria, territorio) in nuovi:
                coperti.append(pk)
                toccati.add(caricamento_id)
        for blocco in _blocchi(coperti):
            ValorePubblicato.objects.filter(pk__in=blocco).update(attiva=False)
    return toccati
