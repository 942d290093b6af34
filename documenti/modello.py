"""The content of a document, independent of its format.

`piano/`, `monitoraggio.py` and `provinciale.py` build a `Documento` once from the selectors'
read models; `pdf.py` (HTML template printed by headless Chromium)
and `docx.py` (python-docx) only lay it out. So the two formats say exactly the same things:
every text, number and table is decided here, never in a renderer. Texts are plain strings
(no markup): the HTML template escapes them and python-docx writes them literally.
"""

import base64
import datetime
from dataclasses import dataclass, field

from zona.lib import formato

# A cell longer than this (characters) may be split across pages.
LUNGA = 500


@dataclass
class Cella:
    testo: str
    righe: int = 1  # rowspan: the cell covers this many rows, the rows below omit it
    intestazione: bool = False

    def __post_init__(self):
        self.testo = formato.pulisci(self.testo)


@dataclass
class Titolo:
    """A heading inside a chapter: level 2 (numbered section, in the table of contents) or 3."""

    testo: str
    livello: int = 2
    numero: str = ""
    ancora: str = ""
    tipo: str = "titolo"

    def __post_init__(self):
        self.testo = formato.pulisci(self.testo)

    @property
    def etichetta(self):
        return f"{self.numero} {self.testo}" if self.numero else self.testo


@dataclass
class Paragrafo:
    testo: str
    nota: bool = False  # small print: "no data" sentences, methodological notes
    tipo: str = "paragrafo"

    def __post_init__(self):
        self.testo = formato.pulisci(self.testo)


@dataclass
class Elenco:
    voci: list
    tipo: str = "elenco"

    def __post_init__(self):
        self.voci = [formato.pulisci(v) for v in self.voci]


@dataclass
class Tabella:
    """A table with its source line. `righe` hold strings or Celle; a row after a cell with
    `righe=n` omits that column for the next n-1 rows (as HTML does).

    `scheda`: a two-column sheet of the regional templates (label, value), the label column
    shaded, as Tabella 2 and Tabella 3 are printed."""

    colonne: list
    righe: list
    fonte: str
    didascalia: str = ""
    numeriche: frozenset = frozenset()  # indexes of right-aligned columns
    totale: list | None = None
    larghezze: list | None = None  # relative widths of the columns
    scheda: bool = False
    mostra_intestazione: bool = True  # False: the regional sheet has no header row (Tabella 3)
    tipo: str = "tabella"

    def __post_init__(self):
        self.colonne = [formato.pulisci(c) for c in self.colonne]
        self.righe = [[c if isinstance(c, Cella) else Cella(c) for c in riga] for riga in self.righe]
        if self.totale is not None:
            self.totale = [formato.pulisci(c) for c in self.totale]
        self.fonte = formato.pulisci(self.fonte)
        self.didascalia = formato.pulisci(self.didascalia)
        # Rows with long texts may break across pages; the others stay whole.
        self.righe_lunghe = {i for i, riga in enumerate(self.righe) if any(len(c.testo) > LUNGA for c in riga)}

    @property
    def breve(self):
        """Short tables are kept on one page."""
        return len(self.righe) <= 12 and not self.righe_lunghe

    def percentuali(self):
        """Column widths in per cent (PDF and DOCX). A sheet keeps its declared `larghezze`;
        any other table's widths follow its content: each column gets at least its longest word
        (a column is never squeezed to one word per line) and a share of the rest as long as
        its longest text, so a column of descriptions is wide and a column of empty targets
        («—») is as narrow as its header's words."""
        if self.scheda or not self.righe:
            pesi = self.larghezze or [1] * len(self.colonne)
        else:
            pesi = self._pesi_dal_contenuto()
        totale = sum(pesi)
        return [round(100 * p / totale, 1) for p in pesi]

    # A text longer than this wraps anyway: beyond it, length asks for no more width.
    _TESTO_LUNGO = 90
    # About the characters of a table line across an A4 portrait page at 8,5 pt (Titillium Web:
    # 0,5-0,55 em a character), and a column's padding in characters: a column gets at least its
    # longest word, so «Unità» or «Outcome» are never broken inside.
    _RIGA = 110
    _MARGINE_COLONNA = 2.5

    def _pesi_dal_contenuto(self):
        n = len(self.colonne)
        parola, testo = [3] * n, [0] * n
        for i, intestazione in enumerate(self.colonne):
            parola[i] = max(parola[i], *(len(p) for p in intestazione.split() or [""]))
        for posizionate in self.griglia():
            for i, cella in posizionate:
                parola[i] = max(parola[i], *(len(p) for p in cella.testo.split() or [""]))
                testo[i] = max(testo[i], min(len(cella.testo), self._TESTO_LUNGO))
        for i, c in enumerate(self.totale or []):
            if i < n:
                testo[i] = max(testo[i], len(c))
        minimo = [1.15 * parola[i] + self._MARGINE_COLONNA for i in range(n)]
        resto = self._RIGA - sum(minimo)
        desiderio = [max(testo[i] - parola[i], 0) for i in range(n)]
        if resto <= 0 or not any(desiderio):
            return minimo
        # What is left goes to the columns with texts longer than their longest word, as long
        # as those texts are.
        return [minimo[i] + resto * desiderio[i] / sum(desiderio) for i in range(n)]

    def griglia(self):
        """The rows with each cell's column index: [(indice, Cella)] per row (rowspans applied)."""
        occupate = {}  # column -> rows still covered by a cell above
        griglia = []
        for riga in self.righe:
            colonne_libere = [c for c in range(len(self.colonne)) if occupate.get(c, 0) == 0]
            posizionate = list(zip(colonne_libere, riga, strict=False))
            for c in range(len(self.colonne)):
                if occupate.get(c, 0) > 0:
                    occupate[c] -= 1
            for indice, cella in posizionate:
                if cella.righe > 1:
                    occupate[indice] = cella.righe - 1
            griglia.append(posizionate)
        return griglia


@dataclass
class Grafico:
    """A Vega-Lite chart (one definition, conoscenza.charts): SVG in the PDF, PNG in the DOCX."""

    titolo: str
    grafico: object  # an Altair chart
    fonte: str
    tipo: str = "grafico"

    def svg(self):
        from conoscenza.charts import svg

        return svg(self.grafico)

    def svg_data_uri(self):
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg().encode()).decode()

    def png(self):
        from conoscenza.charts import png

        return png(self.grafico)


@dataclass
class Capitolo:
    numero: str
    titolo: str
    blocchi: list = field(default_factory=list)
    # The rest of a chapter split across the parts of a PDF rendered in parts (documenti.pdf):
    # printed without its heading.
    seguito: bool = False

    @property
    def ancora(self):
        return f"cap-{self.numero}"

    @property
    def etichetta(self):
        return f"{self.numero} {self.titolo}" if self.numero else self.titolo


@dataclass
class VoceIndice:
    numero: str
    titolo: str
    ancora: str
    livello: int

    @property
    def etichetta(self):
        return f"{self.numero} {self.titolo}" if self.numero else self.titolo


@dataclass
class Documento:
    titolo: str  # e.g. "Piano di Zona 2021-2023"
    ente: str  # e.g. "Ambito territoriale Alto Sebino"
    frontespizio: list  # lines of the cover under the title
    intestazione: str  # running header of every page
    nome_file: str  # without extension
    capitoli: list = field(default_factory=list)
    orizzontale: bool = False
    bozza: bool = False
    generato_il: datetime.datetime = field(default_factory=datetime.datetime.now)

    def capitolo(self, titolo):
        """A new numbered chapter, appended."""
        cap = Capitolo(str(len(self.capitoli) + 1), formato.pulisci(titolo))
        self.capitoli.append(cap)
        return cap

    def sezione(self, capitolo, titolo):
        """A numbered section of `capitolo` (n.m), appended to its blocks and to the index."""
        n = sum(1 for b in capitolo.blocchi if isinstance(b, Titolo) and b.livello == 2) + 1
        numero = f"{capitolo.numero}.{n}"
        capitolo.blocchi.append(Titolo(titolo, 2, numero, f"sez-{numero}"))

    def indice(self):
        voci = []
        for cap in self.capitoli:
            voci.append(VoceIndice(cap.numero, cap.titolo, cap.ancora, 1))
            voci += [
                VoceIndice(b.numero, b.testo, b.ancora, 2)
                for b in cap.blocchi
                if isinstance(b, Titolo) and b.livello == 2
            ]
        return voci

    @property
    def nota_generazione(self):
        return (
            f"Documento generato da Zona il {self.generato_il:%d/%m/%Y} alle {self.generato_il:%H:%M} "
            "dai dati del sistema informativo."
        )
