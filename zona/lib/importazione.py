"""The row-import framework: every file users upload is read, checked and stored by this loop.

The loop, written once here: read the file one row at a time (zona.lib.tabular: CSV or XLSX,
bounded in rows and cells), check every row, report every error with its row, column and reason
in Italian, and store nothing unless the whole file is right. Valid rows are handed to the
importer's writer as they are checked (streamed: a file is never held whole as objects), inside
one transaction that a refused file rolls back. After the first error the rest of the file is
still checked, so that the report names every error (the first MAX_ERRORI), but nothing more
is written.

An importer is its layout plus a function per row:

    from zona.lib import importazione, valori
    from zona.lib.importazione import Colonna, RigaErrata, Tracciato

    TRACCIATO = Tracciato(
        Colonna("codice_istat", "Codice ISTAT"),        # the header may be the name or the label
        Colonna("importo", "Importo (€)", obbligatoria=True),
        Colonna("data", obbligatoria=True),
    )

    def importa_movimenti(contenuto, nome_file, fondo):
        comuni = {...}                                  # lookups read once, before the rows

        def riga(r):                                    # r: one Riga; return what to store
            comune = comuni.get(r["codice_istat"])
            if comune is None:
                raise RigaErrata("codice_istat", f"«{r['codice_istat']}» non è un Comune.")
            importo = r.valore("importo", valori.importo)  # parse errors recorded, None returned
            giorno = r.valore("data", valori.data)
            if prima := r.gia_vista((comune, giorno)):  # duplicates, in constant time
                r.errore(None, f"riga duplicata: è uguale alla riga {prima}.")
            return Movimento(fondo=fondo, comune=comune, importo=importo, data=giorno)

        return importazione.importa(
            importazione.apri(contenuto, nome_file), TRACCIATO, riga, scrivi=Scrittore(Movimento)
        )

Rules for the row function (what keeps imports linear and bounded, issue 17):
- Parse every cell through zona.lib.valori (bounded numbers, dates, strings), via `r.valore`;
  an error is `r.errore(colonna, motivo)` (the row goes on, so that several errors of one row
  are reported) or `raise RigaErrata(colonna, motivo)` (the row stops there).
- Look things up in dicts built once before the loop, never with a query per row, and never
  scan what earlier rows produced: `r.gia_vista(chiave)` remembers keys in a dict.
- Return the object to store, or None for a row that stores nothing. A row with an error
  stores nothing, whatever it returns.
- `r` is one object updated for every row: read from it during the call, never keep it.

The writer (`scrivi`) receives each returned object while the file has no error so far: a
callable, or a context manager that yields one (entered inside the transaction, for a COPY or
a batch that must be flushed); `Scrittore(Modello)` batches model instances into bulk_create.
It may raise RigaErrata too, for what only the database knows (a conflict with stored data):
the error goes to that row. `concludi()`, when given, runs after the last row, also when there
were errors: the whole-file checks (totals, at least one row of a kind); it returns a list of
Errore, reported before the rows' errors. `importa` returns the number of rows stored.
"""

from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction

from .tabular import Errore, FileRifiutato, Tabella, apri_tabella
from .text import normalizza
from .valori import ValoreNonValido

__all__ = [
    "Colonna",
    "Tracciato",
    "Riga",
    "RigaErrata",
    "Scrittore",
    "apri",
    "da_dizionari",
    "importa",
    "da_comando",
    "rifiuto",
    "MAX_ERRORI",
    "MAX_BYTES",
]

MAX_ERRORI = 200
MAX_BYTES = 5 * 1024 * 1024  # settings.ZONA_MAX_UPLOAD_BYTES, the documented limit of an upload


@dataclass(frozen=True)
class Colonna:
    """A column of a layout: its `nome` (the key the row function uses, also accepted as the
    header), the `etichetta` errors show and the header may use instead (the label of the
    regional form), other accepted headers (`alias`), and whether the header must have it."""

    nome: str
    etichetta: str = ""
    obbligatoria: bool = False
    alias: tuple = ()

    @property
    def mostrata(self):
        return self.etichetta or self.nome


class Tracciato:
    """The columns of a layout. Headers are matched forgiving case, accents and spacing.
    `sconosciute`: "ignora" (extra columns are allowed) or "errore" (refused, named).
    `una_tra`: groups of columns of which the header needs at least one."""

    def __init__(self, *colonne, sconosciute="ignora", una_tra=()):
        self.colonne = colonne
        self.sconosciute = sconosciute
        self.una_tra = una_tra
        self._per_nome = {c.nome: c for c in colonne}
        self._per_intestazione = {}
        for c in colonne:
            for testo in (c.nome, c.etichetta, *c.alias):
                if testo:
                    self._per_intestazione[normalizza(testo)] = c.nome

    def etichetta(self, nome):
        colonna = self._per_nome.get(nome)
        return colonna.mostrata if colonna else nome

    def indici(self, intestazione, riga=1):
        """{column name: position in the header}; FileRifiutato naming every missing or (when
        refused) unknown column."""
        indici, sconosciute = {}, []
        for i, testo in enumerate(intestazione):
            if not str(testo or "").strip():
                continue
            nome = self._per_intestazione.get(normalizza(str(testo)))
            if nome is None:
                sconosciute.append(str(testo))
            else:
                indici.setdefault(nome, i)
        errori = []
        if sconosciute and self.sconosciute == "errore":
            elenco = ", ".join(f"«{c}»" for c in sconosciute)
            errori.append(Errore(riga, None, f"colonne non riconosciute: {elenco}."))
        for c in self.colonne:
            if c.obbligatoria and c.nome not in indici:
                errori.append(Errore(riga, c.mostrata, "colonna obbligatoria mancante nell'intestazione."))
        for gruppo in self.una_tra:
            if not any(n in indici for n in gruppo):
                nomi = " o ".join(self.etichetta(n) for n in gruppo)
                errori.append(Errore(riga, nomi, "colonna obbligatoria mancante nell'intestazione."))
        if errori:
            raise FileRifiutato(errori)
        return indici


class RigaErrata(Exception):
    """Raised by a row function (or a writer) for an error that stops the row."""

    def __init__(self, colonna, motivo):
        super().__init__(motivo)
        self.colonna, self.motivo = colonna, motivo


class Riga:
    """One row of the file as the row function sees it. `r["nome"]` is the cell of that
    column, stripped when text ("" when the column or the cell is missing); `"nome" in r` says
    whether the file has the column; `r.numero` is the row number shown in errors."""

    __slots__ = ("numero", "valori", "_indici", "_stato", "errori")

    def __init__(self, numero, valori, indici, stato):
        self.numero, self.valori, self._indici, self._stato = numero, valori, indici, stato
        self.errori = None

    def __getitem__(self, nome):
        i = self._indici.get(nome)
        if i is None or i >= len(self.valori):
            return ""
        v = self.valori[i]
        return v.strip() if isinstance(v, str) else v

    def __contains__(self, nome):
        return nome in self._indici

    def testo(self, nome):
        """The cell as text, whatever type the spreadsheet gave it."""
        v = self[nome]
        return v if isinstance(v, str) else ("" if v is None else str(v))

    def errore(self, colonna, motivo):
        """Record an error of this row in `colonna` (a name of the layout, or None)."""
        if self.errori is None:
            self.errori = []
        self.errori.append((colonna, motivo))

    def valore(self, nome, parse, **opzioni):
        """`parse(cell, **opzioni)` (a function of zona.lib.valori); on ValoreNonValido the
        error is recorded in this column and None returned."""
        try:
            return parse(self[nome], **opzioni)
        except ValoreNonValido as e:
            self.errore(nome, e.motivo)
            return None

    def gia_vista(self, chiave):
        """The number of the earlier row with the same key, or None (and this row's number is
        remembered for the key). One dict per import: constant time, memory linear in rows."""
        viste = self._stato
        prima = viste.get(chiave)
        if prima is None:
            viste[chiave] = self.numero
        return prima


class Scrittore:
    """A writer for `importa` that stores model instances in batches (bulk_create)."""

    def __init__(self, modello, lotto=2000):
        self.modello, self.lotto, self._buffer = modello, lotto, []

    def __enter__(self):
        return self.scrivi

    def scrivi(self, oggetto):
        self._buffer.append(oggetto)
        if len(self._buffer) >= self.lotto:
            self._svuota()

    def _svuota(self):
        if self._buffer:
            self.modello.objects.bulk_create(self._buffer)
            self._buffer.clear()

    def __exit__(self, tipo, *_):
        if tipo is None:
            self._svuota()


def _niente(_):
    pass


def apri(contenuto: bytes, nome_file: str, max_bytes: int = MAX_BYTES) -> Tabella:
    """An uploaded CSV or XLSX opened for `importa` (zona.lib.tabular.apri_tabella)."""
    return apri_tabella(contenuto, nome_file, max_bytes)


def da_dizionari(righe) -> Tabella:
    """A Tabella of rows given as zona.lib.tabular.Riga (number, {column: value}): what a
    program already holds (the demo's seed files) goes through the same checks as an upload."""
    righe = list(righe)
    intestazione = list(dict.fromkeys(k for r in righe for k in r.valori))
    return Tabella(intestazione, ((r.numero, [r.valori.get(k, "") for k in intestazione]) for r in righe))


def importa(
    tabella: Tabella,
    tracciato: Tracciato,
    riga,
    *,
    scrivi=None,
    concludi=None,
    vuoto="Il file non contiene righe di dati.",
):
    """Check every row of `tabella` with `riga(Riga)`, hand what it returns to `scrivi`, all or
    nothing (see the module's docstring). Returns the number of rows stored; raises
    FileRifiutato with every error (row, column label, reason), having stored nothing."""
    indici = tracciato.indici(tabella.intestazione)
    errori, n_errori, scritte = [], 0, 0
    stato = {}
    etichetta = tracciato.etichetta
    with transaction.atomic():
        contesto = scrivi if hasattr(scrivi, "__enter__") else nullcontext(scrivi)
        with contesto as scrivi_uno:
            if scrivi_uno is None:
                scrivi_uno = _niente
            # One Riga for the whole file, updated in place: a national ISTAT file has a
            # million rows, and the loop must cost little more than the row function.
            r = Riga(0, (), indici, stato)
            for numero, valori in tabella.righe:
                r.numero = numero
                r.valori = valori
                try:
                    esito = riga(r)
                    if esito is not None and r.errori is None:
                        if not n_errori:
                            scrivi_uno(esito)
                        scritte += 1  # after an error only counted: the file is refused anyway
                        continue
                except RigaErrata as e:
                    r.errore(e.colonna, e.motivo)
                if r.errori is not None:
                    for colonna, motivo in r.errori:
                        n_errori += 1
                        if len(errori) < MAX_ERRORI:
                            errori.append(Errore(numero, etichetta(colonna) if colonna else None, motivo))
                    r.errori = None
        finali = list(concludi() or []) if concludi is not None else []
        if finali or n_errori:
            raise rifiuto(finali + errori, n_errori + len(finali))
        if not scritte:
            raise FileRifiutato([Errore(None, None, vuoto)])
    return scritte


def rifiuto(errori, n_errori):
    """The FileRifiutato of a file with `n_errori` errors of which `errori` are shown (the
    first MAX_ERRORI), the others counted in a last line. Also for importers that find their
    errors another way than `importa` (the PostgreSQL loader of domanda, in SQL)."""
    errori = list(errori)
    altri = n_errori - len(errori)
    coda = [Errore(None, None, f"… e altri {altri} errori.")] if altri > 0 else []
    return FileRifiutato(errori + coda)


def da_comando(comando, file, importa, cosa="File"):
    """An import run from a management command: `importa(contenuto, nome_file)` on the file's
    bytes. A file that cannot be read or is refused ends the command with exit status 1 and an
    Italian message, each error of a refused file on its own line of stderr."""
    percorso = Path(file)
    try:
        contenuto = percorso.read_bytes()
    except OSError as e:
        raise CommandError(f"Non riesco a leggere «{file}»: {e.strerror}.") from None
    try:
        return importa(contenuto, percorso.name)
    except FileRifiutato as e:
        for errore in e.errori:
            comando.stderr.write(str(errore))
        n = len(e.errori)
        raise CommandError(
            f"{cosa} rifiutato ({n} {'errore' if n == 1 else 'errori'}): non è stato salvato nulla."
        ) from None
