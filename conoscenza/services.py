"""Loading the catalogue and users' data files into the knowledge base."""

import csv
import datetime
import gc
import re
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from territorio.models import ATS, AliasComune, Ambito, Comune, Distretto, Regione
from territorio.services import Risolutore
from zona.lib.tabular import Errore, FileRifiutato, leggi_tabella
from zona.lib.text import normalizza

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
# Importing a file: read, validate and store one row at a time
#
# A national file of ISTAT's population holds 1.6 million values. Each row is validated as it
# is read and written at once (PostgreSQL's COPY; the ORM's bulk insert elsewhere), inside one
# transaction: memory holds only what the checks need, and a refused file rolls everything
# back. After the first error the rest of the file is still checked, so that the report names
# every error, but nothing more is written.


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
        # Looked up before this file's rows are in the table: afterwards the index on
        # (misura, livello, anno, attiva) would have to walk over all of them.
        candidati = _in_uso_con(file.gruppi) if file.gruppi else None
        caricamento = Caricamento.objects.create(
            nome_file=nome_file, formato=file.formato, fonte=fonte or nome_file, utente=utente
        )
        letto = False
        if isinstance(file, _FileIstat):
            try:
                with transaction.atomic(), _scrittore(caricamento, progresso, file.stima) as scrittore:
                    file.leggi_veloce(validatore, scrittore)
                letto = True
            except _Irregolare:
                validatore = _Validatore(consentito, validatore.territori)
        if not letto:
            with _scrittore(caricamento, progresso, file.stima) as scrittore:
                file.leggi(validatore, scrittore)
        validatore.concludi()
        _sostituisci(caricamento, validatore.chiavi, validatore.pubblicati, candidati)
        ValorePubblicato.objects.bulk_create(
            ValorePubblicato(caricamento=caricamento, **p) for p in validatore.pubblicati
        )
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
        raise FileRifiutato([Errore(None, None, f"Formato «{formato}» sconosciuto: usare zona o istat.")])
    return _FileZona(contenuto, nome_file)


def _sembra_istat(contenuto, nome_file):
    if not nome_file.lower().endswith(".csv"):
        return False
    inizio = contenuto[:2000].decode("utf-8-sig", errors="replace").lower()
    return "codice comune" in inizio and ("età" in inizio or "eta" in inizio)


class _Irregolare(Exception):
    """The fast reader of ISTAT's file met a line it does not handle: the general reader reads
    the file again and says what is wrong, if anything."""


class _FileZona:
    formato = "zona"
    gruppi = None  # known only once the file is read

    def __init__(self, contenuto, nome_file):
        # At most ZONA_MAX_UPLOAD_BYTES: read whole, as the XLSX reader needs anyway.
        colonne, self.righe = leggi_tabella(contenuto, nome_file, settings.ZONA_MAX_UPLOAD_BYTES)
        mancanti = [c for c in OBBLIGATORIE_ZONA if c not in colonne]
        if mancanti:
            raise FileRifiutato([Errore(1, c, "colonna obbligatoria mancante nell'intestazione.") for c in mancanti])
        self.stima = len(self.righe)

    def leggi(self, validatore, scrittore):
        for r in self.righe:
            o = validatore.riga(r.numero, r.valori)
            if o is not None and not validatore.errori:
                scrittore.scrivi(o)


_TITOLO_ANNO = re.compile(r"1[°º]?\s*gennaio\s+(\d{4})", re.IGNORECASE)
MISURA_ISTAT = "popolazione_residente"
# Age as ISTAT writes it -> (eta_da, "eta_da<TAB>eta_a" for COPY, eta_a); 100 means "100 and over".
_ETA_ISTAT = {str(e): (e, f"{e}\t{e}" if e < 100 else "100\t\\N", e if e < 100 else None) for e in range(101)}


class _FileIstat:
    """ISTAT's file of the resident population by single year of age and sex, per Comune
    (demo.istat.it, "Popolazione residente al 1° gennaio"): optional title lines, then a
    header with `Codice comune`, `Età` (0-100, 999 for the total), `Totale maschi`,
    `Totale femmine`. The year comes from the title ("al 1° gennaio 2023") or `anno`. The
    total rows (età 999) must equal the sum of the ages."""

    formato = "istat"

    def __init__(self, contenuto, anno):
        if len(contenuto) > settings.ZONA_MAX_UPLOAD_BYTES * 20:
            raise FileRifiutato([Errore(None, None, "Il file ISTAT supera la dimensione massima di 100 MB.")])
        try:
            testo = contenuto.decode("utf-8-sig")
        except UnicodeDecodeError:
            testo = contenuto.decode("latin-1")
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
        self.delimitatore = ";" if header_line.count(";") > header_line.count(",") else ","
        header = [normalizza(h) for h in next(csv.reader([header_line], delimiter=self.delimitatore))]

        def col(*nomi):
            for nome in nomi:
                if nome in header:
                    return header.index(nome)
            return None

        self.i_codice, self.i_eta = col("codice comune"), col("eta")
        self.i_m, self.i_f = col("totale maschi", "maschi"), col("totale femmine", "femmine")
        mancanti = [
            n for n, i in (("Età", self.i_eta), ("Totale maschi", self.i_m), ("Totale femmine", self.i_f)) if i is None
        ]
        if mancanti:
            raise FileRifiutato([Errore(indice_header + 1, m, "colonna mancante nel file ISTAT.") for m in mancanti])
        self.anno = anno
        self.linee = linee[indice_header + 1 :]
        self.primo_numero = indice_header + 2  # row numbers as a spreadsheet shows them
        self.larghezza = max(self.i_codice, self.i_eta, self.i_m, self.i_f) + 1
        self.stima = 2 * len(self.linee)
        self.gruppi = [(MISURA_ISTAT, Livello.COMUNE, anno, "")]

    def _righe(self):
        return enumerate(csv.reader(self.linee, delimiter=self.delimitatore), self.primo_numero)

    def leggi_veloce(self, validatore, scrittore):
        """The regular lines of the file, in a few operations each: a Comune's code that the
        registry knows (and the user may load), an age 0-100 not seen before for that Comune,
        counts of digits only. At the first other line, _Irregolare: everything written is
        rolled back and `leggi` reads the file again. Stores exactly what `leggi` would."""
        if not validatore.accetta_anno_istat(self.anno):
            raise _Irregolare
        scrittore.inizia_popolazione(self.anno)
        righe = 0
        i_codice, i_eta, i_m, i_f, larghezza = self.i_codice, self.i_eta, self.i_m, self.i_f, self.larghezza
        eta_istat = _ETA_ISTAT
        comuni = {}  # code as written -> registry code, or "" when the general reader must say why
        viste = {}  # registry code -> one byte per age already read
        somme = {}  # code as written -> [males, females], for the totals
        totali = {}
        scrivi = scrittore.popolazione
        for numero, valori in self._righe():
            if len(valori) < larghezza:
                if not any(v.strip() for v in valori):
                    continue
                raise _Irregolare
            codice, eta = valori[i_codice].strip(), valori[i_eta].strip()
            m, f = valori[i_m].strip(), valori[i_f].strip()
            if not codice and not any(v.strip() for v in valori):
                continue
            if eta == "999":
                totali[codice] = (numero, m, f)
                continue
            comune = comuni.get(codice)
            if comune is None:
                comune = comuni[codice] = validatore.comune_consentito(codice)
            e = eta_istat.get(eta)
            # At most 15 digits: the value column holds 16 before the point.
            if (
                not comune
                or e is None
                or not (m.isdigit() and f.isdigit() and m.isascii() and f.isascii() and len(m) < 16 and len(f) < 16)
            ):
                raise _Irregolare
            vista = viste.get(comune)
            if vista is None:
                vista = viste[comune] = bytearray(101)
            elif vista[e[0]]:
                raise _Irregolare  # a duplicate: the general reader names the earlier row
            vista[e[0]] = 1
            s = somme.get(codice)
            if s is None:
                s = somme[codice] = [0, 0]
            s[0] += int(m)
            s[1] += int(f)
            scrivi(comune, e, m, f)
            righe += 2
        errori = _errori_totali(totali, {(c, sesso): s[i] for c, s in somme.items() for i, sesso in enumerate("MF")})
        if errori:
            raise FileRifiutato(errori)
        validatore.registra(MISURA_ISTAT, Livello.COMUNE, self.anno, "", viste.keys(), righe)

    def leggi(self, validatore, scrittore):
        """Every line, each value checked by the general validator with its message."""
        totali, somme, numeri = {}, {}, True
        for numero, valori in self._righe():
            if not any(v.strip() for v in valori):
                continue
            if len(valori) < self.larghezza:
                valori = valori + [""] * (self.larghezza - len(valori))
            codice, eta = valori[self.i_codice].strip(), valori[self.i_eta].strip()
            if eta == "999":
                totali[codice] = (numero, valori[self.i_m].strip(), valori[self.i_f].strip())
                continue
            for sesso, i in (("M", self.i_m), ("F", self.i_f)):
                valore = valori[i].strip()
                if numeri:
                    try:
                        somme[(codice, sesso)] = somme.get((codice, sesso), 0) + int(valore)
                    except ValueError:
                        numeri = False  # the validator reports the bad number; no totals then
                riga = {
                    "livello": "comune",
                    "codice_territorio": codice,
                    "anno": str(self.anno),
                    "misura": MISURA_ISTAT,
                    "eta_da": eta,
                    "eta_a": "" if eta == "100" else eta,
                    "sesso": sesso,
                    "categoria": "",
                    "valore": valore,
                }
                o = validatore.riga(numero, riga)
                if o is not None and not validatore.errori:
                    scrittore.scrivi(o)
        errori = _errori_totali(totali, somme) if numeri else []
        if errori:
            raise FileRifiutato(errori)  # the file's own totals first, as they say the file is broken


def _errori_totali(totali, somme):
    """The file's own total rows (età 999) against the sum of its ages per (code, sex)."""
    errori = []
    for codice, (numero, tot_m, tot_f) in totali.items():
        for sesso, tot in (("M", tot_m), ("F", tot_f)):
            somma = somme.get((codice, sesso))
            if tot.isdigit() and somma is not None and somma != int(tot):
                errori.append(
                    Errore(
                        numero,
                        "Totale maschi" if sesso == "M" else "Totale femmine",
                        f"il totale del Comune {codice} ({tot}) non è la somma delle età ({somma}).",
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


# The value column: 20 digits, 4 after the point.
_VALORE_MAX = Decimal(10) ** 16


class _Validatore:
    """Checks one row at a time and remembers what the later rows are checked against
    (duplicates, totals mixed with disaggregated rows). Collects the errors, the published
    values, the number of observations and, for the replacement of earlier loads, the
    territories per (measure, level, year, category)."""

    def __init__(self, consentito=None, territori=None):
        self.consentito = consentito
        self.territori = territori or _Territori()
        self.misure = {m.codice: m for m in Misura.objects.all()}
        self.indicatori = {i.codice for i in Indicatore.objects.all()}
        self.anno_max = datetime.date.today().year + 1
        self.livelli = set(Livello.values)
        self.errori, self.pubblicati = [], []
        self.righe = 0
        self.chiavi = {}  # (misura, livello, anno, categoria) -> {codice_territorio}
        self._viste = {}
        self._gruppi = {}  # (misura, livello, codice, anno, categoria) -> (first row, kind), to refuse mixes

    def accetta_anno_istat(self, anno):
        return MISURA_ISTAT in self.misure and 1861 <= anno <= self.anno_max

    def comune_consentito(self, valore):
        """The registry code of a Comune the user may load data for, or ""."""
        codice, errore = self.territori.risolvi(Livello.COMUNE, valore)
        if errore or (self.consentito is not None and not self.consentito(Livello.COMUNE, codice)):
            return ""
        return codice

    def registra(self, misura, livello, anno, categoria, codici, righe):
        """Rows checked elsewhere (the fast reader of ISTAT's file)."""
        self.chiavi.setdefault((misura, livello, anno, categoria), set()).update(codici)
        self.righe += righe

    def riga(self, n, v):
        """The observation of row `n` (a tuple in the order of _CAMPI), or None when the row
        is an error (recorded) or a published value (kept)."""
        errori = self.errori
        livello = str(v.get("livello") or "").strip().lower()
        if livello not in self.livelli:
            errori.append(Errore(n, "livello", f"livello «{livello}» non valido: usare {', '.join(Livello.values)}."))
            return None
        codice, errore = self.territori.risolvi(livello, str(v.get("codice_territorio") or "").strip())
        if errore:
            errori.append(Errore(n, "codice_territorio", errore))
            return None
        if self.consentito is not None and not self.consentito(livello, codice):
            errori.append(
                Errore(
                    n, "codice_territorio", f"«{codice}» non è un territorio per cui il tuo ruolo può caricare dati."
                )
            )
            return None
        anno_testo = str(v.get("anno") or "").strip()
        if not re.fullmatch(r"\d{4}", anno_testo) or not 1861 <= int(anno_testo) <= self.anno_max:
            errori.append(
                Errore(n, "anno", f"anno «{anno_testo}» non valido: un anno di quattro cifre fino al {self.anno_max}.")
            )
            return None
        anno = int(anno_testo)
        codice_misura = str(v.get("misura") or "").strip()
        try:
            valore = _numero(v.get("valore"))
            if not valore.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errori.append(Errore(n, "valore", f"«{v.get('valore')}» non è un numero (usare il punto per i decimali)."))
            return None
        if abs(valore) >= _VALORE_MAX:
            errori.append(
                Errore(n, "valore", f"«{v.get('valore')}» è troppo grande: al massimo 16 cifre prima del punto.")
            )
            return None
        if codice_misura in self.indicatori and codice_misura not in self.misure:
            self.pubblicati.append(
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
            return None
        misura = self.misure.get(codice_misura)
        if misura is None:
            errori.append(Errore(n, "misura", f"la misura «{codice_misura}» non è nel catalogo."))
            return None
        try:
            eta_da, eta_a = _intero_opzionale(v.get("eta_da")), _intero_opzionale(v.get("eta_a"))
        except (InvalidOperation, ValueError):
            errori.append(Errore(n, "eta_da", "l'età deve essere un numero intero di anni."))
            return None
        if (eta_da is not None and eta_da < 0) or (eta_a is not None and (eta_a < 0 or eta_a < (eta_da or 0))):
            errori.append(Errore(n, "eta_a", "classe di età non valida."))
            return None
        sesso = str(v.get("sesso") or "").strip().upper()
        if sesso not in ("", "M", "F"):
            errori.append(Errore(n, "sesso", f"sesso «{sesso}» non valido: M, F o vuoto."))
            return None
        if valore < 0 and not misura.puo_essere_negativa:
            errori.append(Errore(n, "valore", f"valore negativo ({valore}) per una misura che conta ({misura.unita})."))
            return None
        categoria = str(v.get("categoria") or "").strip()
        chiave = (misura.codice, livello, codice, anno, eta_da, eta_a, sesso, categoria)
        if chiave in self._viste:
            errori.append(
                Errore(
                    n,
                    None,
                    f"riga duplicata: stessi territorio, anno, misura e disaggregazione della riga {self._viste[chiave]}.",
                )
            )
            return None
        self._viste[chiave] = n
        tipo = (eta_da is not None or eta_a is not None, sesso != "")
        gruppo = self._gruppi.setdefault((misura.codice, livello, codice, anno, categoria), (n, tipo))
        if gruppo[1] != tipo:
            errori.append(
                Errore(
                    n,
                    None,
                    f"la riga {gruppo[0]} e questa mescolano totali e dati per età o sesso dello stesso territorio e anno.",
                )
            )
            return None
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

    def concludi(self):
        errori = self.errori
        if errori:
            altri = [Errore(None, None, f"… e altri {len(errori) - 200} errori.")] if len(errori) > 200 else []
            raise FileRifiutato(errori[:200] + altri)
        if not self.righe and not self.pubblicati:
            raise FileRifiutato([Errore(None, None, "Il file non contiene righe di dati.")])


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
    """Where validated rows go: PostgreSQL's COPY where available, the ORM's bulk insert
    elsewhere. Rows are flushed by `chiudi()`; an exception inside the block writes nothing
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
        scrittore = _Orm(caricamento, progresso, stima)
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

    def popolazione(self, codice, eta, m, f):
        """Two rows (males, females) of ISTAT's file, already checked, as COPY text."""
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


class _Orm(_Scrittore):
    def __init__(self, caricamento, progresso, stima):
        super().__init__(progresso, stima)
        self.caricamento = caricamento
        self._buffer = []

    def scrivi(self, o):
        self._buffer.append(Osservazione(caricamento=self.caricamento, **dict(zip(_CAMPI, o))))
        if len(self._buffer) >= BATCH:
            self._svuota()

    def inizia_popolazione(self, anno):
        self._anno = anno

    def popolazione(self, codice, eta, m, f):
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
            Osservazione.objects.bulk_create(self._buffer)
            self._avanza(len(self._buffer))
            self._buffer.clear()

    def chiudi(self):
        self._svuota()
        if self.progresso:
            self.progresso(self.righe, self.righe)


# ---------------------------------------------------------------------------------------
# Replacing earlier loads


def _in_uso_con(gruppi):
    """Ids of the loads in use with active values in any (misura, livello, anno, categoria)."""
    in_uso = Caricamento.objects.filter(sostituito_da__isnull=True)
    ids = set()
    for misura, livello, anno, categoria in gruppi:
        ids.update(
            Osservazione.objects.filter(
                misura_id=misura, livello=livello, anno=anno, categoria=categoria, attiva=True, caricamento__in=in_uso
            )
            .values_list("caricamento_id", flat=True)
            .distinct()
        )
    return ids


def _sostituisci(caricamento, chiavi, pubblicati, candidati=None):
    """Earlier values of the same measures, categories, territories and years no longer count.
    An earlier load that the new file covers entirely is marked as superseded, in one row,
    however many values it has; a load that keeps some values in use has only the covered ones
    deactivated. `candidati`: the only loads that can be affected, when already known."""
    in_uso = Caricamento.objects.filter(sostituito_da__isnull=True).exclude(pk=caricamento.pk)
    if candidati is not None:
        in_uso = in_uso.filter(pk__in=candidati)
    gruppi = [
        Q(misura_id=misura, livello=livello, anno=anno, categoria=categoria, codice_territorio__in=sorted(territori))
        for (misura, livello, anno, categoria), territori in chiavi.items()
    ]
    precedenti = set()
    if candidati is None or candidati:
        for g in gruppi:
            precedenti.update(
                Osservazione.objects.filter(g, attiva=True, caricamento__in=in_uso)
                .values_list("caricamento_id", flat=True)
                .distinct()
            )
    for p in pubblicati:
        vecchi = ValorePubblicato.objects.filter(
            indicatore_id=p["indicatore_id"],
            livello=p["livello"],
            codice_territorio=p["codice_territorio"],
            anno=p["anno"],
            categoria=p["categoria"],
            attiva=True,
        ).exclude(caricamento=caricamento)
        precedenti.update(vecchi.values_list("caricamento_id", flat=True))
        vecchi.update(attiva=False)
    for c in Caricamento.objects.filter(pk__in=precedenti, sostituito_da__isnull=True):
        restano = Osservazione.objects.filter(caricamento=c, attiva=True)
        for g in gruppi:
            restano = restano.exclude(g)
        if restano.exists() or c.valori_pubblicati.filter(attiva=True).exists():
            for g in gruppi:
                Osservazione.objects.filter(g, caricamento=c, attiva=True).update(attiva=False)
        else:
            c.sostituito_da = caricamento
            c.save(update_fields=["sostituito_da"])
