"""Import of a CSI extract (CSV or XLSX), all or nothing, on zona.lib.importazione.

Layout (first row: the column names below, in any order; `*` = always required):

    comune_erogatore*   ISTAT code of the Comune (or of the Ambito's body) delivering the service
    codice_fiscale*     the person's codice fiscale: checked, then replaced by its pseudonym
    comune_residenza*   ISTAT code of the Comune of residence
    sesso               M or F; empty = read from the codice fiscale
    anno_nascita        empty = read from the codice fiscale
    area_utenza*        famiglia_minori, disabili, dipendenze, anziani, immigrati_nomadi,
                        poverta_disagio_adulti, multiutenza
    codice_intervento   code of the nomenclature (empty: an intervention the CSI did not code)
    data_inizio*        GG/MM/AAAA or AAAA-MM-GG
    data_fine           empty while the intervention goes on
    quantita            in the unit of the intervention (hours, days, meals, euro, ...)
    spesa               euro spent by the erogatore
    compartecipazione   euro paid by the user

One extract = one erogatore and one period (a year): every row has the same erogatore and
overlaps the period. A new extract for the same erogatore and period replaces the active one
(its rows are deleted, its load stays in the history). Other columns are ignored, never read:
a CSI export with names in it loads without them.

The clear codice fiscale is never stored or shown: an error says "codice fiscale non valido"
with the row, and every message of a refused file is scrubbed of anything shaped like a code
(defence in depth: a file whose columns are shifted could put a code in another column, whose
parser would quote the cell).
"""

import datetime
import re
import uuid

from django.db import connection, transaction

from territorio.models import Comune
from zona.lib import importazione, valori
from zona.lib.importazione import Colonna, RigaErrata, Tracciato
from zona.lib.tabular import Errore, FileRifiutato

from . import codice_fiscale as cf
from .models import AreaUtenza, CaricamentoEstratto, Episodio, Intervento

COLONNE = [
    "comune_erogatore",
    "codice_fiscale",
    "comune_residenza",
    "sesso",
    "anno_nascita",
    "area_utenza",
    "codice_intervento",
    "data_inizio",
    "data_fine",
    "quantita",
    "spesa",
    "compartecipazione",
]
OBBLIGATORIE = ["comune_erogatore", "codice_fiscale", "comune_residenza", "area_utenza", "data_inizio"]
TRACCIATO = Tracciato(*(Colonna(c, obbligatoria=c in OBBLIGATORIE) for c in COLONNE))

# Anything a codice fiscale could be, in any message: 16 letters and digits in a row.
_FORMA_CF = re.compile(r"(?i)(?<![A-Z0-9])[A-Z0-9]{16}(?![A-Z0-9])")

ESEMPIO = [
    # A synthetic code (domanda.codice_fiscale.componi), no real person.
    f"016024,{cf.componi('RSSMRA', 48, 3, 12, 'M', 'A794')},016024,,,anziani,D1,2024-01-08,,120,2400.00,300.00",
    f"016024,{cf.componi('BNCLCU', 15, 9, 2, 'F', 'A794')},016025,F,2015,famiglia_minori,C2,2024-02-01,"
    "2024-06-30,60,1500.00,0",
]


VUOTO = "L'estratto non ha righe."


def modello_csv():
    return ",".join(COLONNE) + "\n" + "\n".join(ESEMPIO) + "\n"


def periodo_predefinito(oggi=None):
    """Extracts are sent for the year just closed."""
    return (oggi or datetime.date.today()).year - 1


def scrubbed(errori):
    return [Errore(e.riga, e.colonna, _FORMA_CF.sub("«…»", e.motivo)) for e in errori]


def _istat(valore):
    testo = str(valore).strip() if valore is not None else ""
    if isinstance(valore, int | float) and not isinstance(valore, bool) and float(valore).is_integer():
        testo = str(int(valore))
    if testo.isdigit() and len(testo) < 6:
        testo = testo.zfill(6)  # a spreadsheet drops the leading zero of 016024
    return testo


# What a row is refused for, beyond the parsing of its cells (zona.lib.valori) and the codice
# fiscale (domanda.codice_fiscale): said by the row function below and by the SQL checks of
# the PostgreSQL loader (domanda.importa_pg), never written twice.
EROGATORE_IGNOTO = "il codice ISTAT del Comune erogatore non è nell'anagrafe."
EROGATORE_DIVERSO = "un estratto è di un solo erogatore: questa riga è di {erogatore}, l'estratto di {atteso}."
EROGATORE_NON_AMMESSO = "il Comune erogatore non è del tuo Ambito."
RESIDENZA_IGNOTA = "il codice ISTAT del Comune di residenza non è nell'anagrafe."
SESSO_FORMA = "scrivere M o F (o lasciare vuoto: si legge dal codice fiscale)."
SESSO_DIVERSO = "il sesso non corrisponde al codice fiscale."
ANNO_DIVERSO = "l'anno di nascita non corrisponde al codice fiscale."
AREA_IGNOTA = "area di utenza sconosciuta: vedere le aree ammesse nel modello."
INTERVENTO_IGNOTO = "codice non presente nel nomenclatore degli interventi."
INIZIO_DOPO_PERIODO = "la data di inizio è dopo il periodo dell'estratto ({periodo})."
FINE_PRIMA_INIZIO = "la data di fine precede la data di inizio."
FINE_PRIMA_PERIODO = "l'intervento è finito prima del periodo dell'estratto ({periodo})."
ANNO_NASCITA_MINIMO = 1890
# What a quantity may be (zona.lib.valori.decimale), for the row function and the quick path.
QUANTITA = {"max_cifre": 12, "decimali": 2, "minimo": 0}


# The values a row function returns, in this order: the fields of Episodio but the load.
CAMPI_EPISODIO = [
    "erogatore",
    "persona",
    "comune_residenza",
    "sesso",
    "anno_nascita",
    "area",
    "intervento",
    "data_inizio",
    "data_fine",
    "quantita",
    "spesa",
    "compartecipazione",
]
_ATTRIBUTI = [Episodio._meta.get_field(c).attname for c in CAMPI_EPISODIO]


class _Scrittore:
    """Creates the load at the first valid row (the erogatore comes from the file), replaces
    the active load of the same erogatore and period, and batches the rows: PostgreSQL's COPY
    (a national extract has millions of rows: building a model instance per row and inserting
    them took most of the load), the ORM's bulk_create elsewhere."""

    def __init__(self, periodo, nome_file, utente):
        self.periodo, self.nome_file, self.utente = periodo, nome_file, utente
        self.caricamento = None
        self.buffer = []
        self.righe = 0
        self.persone = None  # counted at the end unless the loader knows it
        self.copia = connection.vendor == "postgresql"
        self.lotto = 20_000 if self.copia else 2000

    def __enter__(self):
        return self.scrivi

    def scrivi(self, valori):
        if self.caricamento is None:
            self.apri(valori[0])
        self.buffer.append(valori)
        self.righe += 1
        if len(self.buffer) >= self.lotto:
            self._svuota()

    def apri(self, erogatore, pk=None, righe=0, persone=0):
        """The new load of `erogatore`, replacing the active one of the same period; `pk`,
        `righe`, `persone`: its number (taken from the sequence) and counts, when the loader
        writes its rows before creating it (domanda.importa_pg)."""
        precedente = CaricamentoEstratto.objects.filter(
            erogatore_id=erogatore, periodo=self.periodo, sostituito_da__isnull=True
        ).first()
        if precedente is not None:
            # Out of the unique constraint before the new one exists; pointed at it below.
            precedente.sostituito_da = precedente
            precedente.save(update_fields=["sostituito_da"])
        self.caricamento = CaricamentoEstratto.objects.create(
            pk=pk,
            erogatore_id=erogatore,
            periodo=self.periodo,
            nome_file=self.nome_file[:255],
            caricato_da=self.utente if self.utente is not None and self.utente.is_authenticated else None,
            righe=righe,
            persone=persone,
        )
        self.righe, self.persone = righe, persone or None
        if precedente is not None:
            precedente.sostituito_da = self.caricamento
            precedente.save(update_fields=["sostituito_da"])
            Episodio.objects.filter(caricamento=precedente).delete()
        return self.caricamento

    def _svuota(self):
        if not self.buffer:
            return
        if self.copia:
            colonne = ", ".join(["caricamento_id", *_ATTRIBUTI])
            k = self.caricamento.pk
            with (
                connection.cursor() as c,
                c.cursor.copy(f"COPY {Episodio._meta.db_table} ({colonne}) FROM STDIN") as cp,
            ):
                for valori in self.buffer:
                    cp.write_row((k, *valori))
        else:
            Episodio.objects.bulk_create(
                Episodio(caricamento=self.caricamento, **dict(zip(_ATTRIBUTI, v, strict=True))) for v in self.buffer
            )
        self.buffer.clear()

    def __exit__(self, tipo, *_):
        if tipo is None:
            self._svuota()
            k = self.caricamento
            if k is not None and (k.righe, k.persone) != (self.righe, self.persone):
                k.righe, k.persone = self.righe, self.persone
                if self.persone is None:
                    k.persone = Episodio.objects.filter(caricamento=k).values("persona").distinct().count()
                k.save(update_fields=["righe", "persone"])


def controllo_righe(periodo, erogatore=None, erogatori_ammessi=None):
    """(the row function of an extract for zona.lib.importazione.importa, the set of the
    Comuni's codes, {"erogatore": the code every row must have}). `erogatore`: that code, or
    None for the first valid row's (set by the row function when it meets it)."""
    inizio_periodo, fine_periodo = datetime.date(periodo, 1, 1), datetime.date(periodo, 12, 31)
    comuni = set(Comune.objects.values_list("codice_istat", flat=True))
    aree = set(AreaUtenza.objects.values_list("codice", flat=True))
    interventi = set(Intervento.objects.values_list("codice", flat=True))
    atteso = {"erogatore": erogatore}
    firma = cf.firma()  # the keyed states once, not once a row

    def riga(r):
        codice_erogatore = _istat(r["comune_erogatore"])
        if codice_erogatore not in comuni:
            raise RigaErrata("comune_erogatore", EROGATORE_IGNOTO)
        if atteso["erogatore"] is None:
            atteso["erogatore"] = codice_erogatore
        elif codice_erogatore != atteso["erogatore"]:
            raise RigaErrata(
                "comune_erogatore", EROGATORE_DIVERSO.format(erogatore=codice_erogatore, atteso=atteso["erogatore"])
            )
        if erogatori_ammessi is not None and codice_erogatore not in erogatori_ammessi:
            raise RigaErrata("comune_erogatore", EROGATORE_NON_AMMESSO)
        try:
            codice = cf.controlla(r.testo("codice_fiscale"))
        except cf.CodiceNonValido as e:
            raise RigaErrata("codice_fiscale", str(e)) from None
        sesso_cf, anno_cf = cf.sesso_e_anno(codice, periodo)
        persona = uuid.UUID(bytes=firma(codice.encode()))
        del codice  # the clear code goes no further than this line
        residenza = _istat(r["comune_residenza"])
        if residenza not in comuni:
            r.errore("comune_residenza", RESIDENZA_IGNOTA)
        sesso = r.testo("sesso").upper()
        if sesso and sesso not in ("M", "F"):
            r.errore("sesso", SESSO_FORMA)
        elif sesso and sesso != sesso_cf:
            r.errore("sesso", SESSO_DIVERSO)
        anno_nascita = r.valore(
            "anno_nascita", valori.anno, minimo=ANNO_NASCITA_MINIMO, massimo=periodo, obbligatorio=False
        )
        if anno_nascita is not None and anno_nascita % 100 != anno_cf % 100:
            r.errore("anno_nascita", ANNO_DIVERSO)
        area = r.testo("area_utenza").lower()
        if area not in aree:
            r.errore("area_utenza", AREA_IGNOTA)
        codice_intervento = r.testo("codice_intervento").upper()
        if codice_intervento and codice_intervento not in interventi:
            r.errore("codice_intervento", INTERVENTO_IGNOTO)
        inizio = r.valore("data_inizio", valori.data, campo="data di inizio")
        fine = r.valore("data_fine", valori.data, campo="data di fine", obbligatorio=False)
        if inizio is not None:
            if inizio > fine_periodo:
                r.errore("data_inizio", INIZIO_DOPO_PERIODO.format(periodo=periodo))
            if fine is not None and fine < inizio:
                r.errore("data_fine", FINE_PRIMA_INIZIO)
        if fine is not None and fine < inizio_periodo:
            r.errore("data_fine", FINE_PRIMA_PERIODO.format(periodo=periodo))
        quantita = r.valore("quantita", valori.decimale, **QUANTITA, obbligatorio=False)
        spesa = r.valore("spesa", valori.importo, obbligatorio=False)
        compartecipazione = r.valore("compartecipazione", valori.importo, obbligatorio=False)
        return (
            codice_erogatore,
            persona,
            residenza,
            sesso or sesso_cf,
            anno_nascita or anno_cf,
            area,
            codice_intervento or None,
            inizio,
            fine,
            quantita,
            spesa or 0,
            compartecipazione or 0,
        )

    return riga, comuni, atteso


def importa_estratto(
    contenuto, nome_file, *, periodo=None, erogatore=None, utente=None, erogatori_ammessi=None, pubblica=True, sql=None
):
    """Load one extract; returns the CaricamentoEstratto. `erogatore`: the ISTAT code the file
    must be of (None: the first row's); `erogatori_ammessi`: the codes the user may load for
    (None: any). Raises FileRifiutato (nothing stored) with every error, scrubbed. `pubblica`:
    bring the year's suppressed figures into the knowledge base in the same transaction
    (services.pubblica_in_conoscenza; the demo does it once after all its extracts).

    A CSV on PostgreSQL (with pgcrypto) is loaded by the database (domanda.importa_pg: COPY
    into a staging table, checks and pseudonyms in SQL), anything else row by row here; both
    give the same rows and the same errors. `sql`: False forces the row-by-row path (tests)."""
    from . import importa_pg

    periodo = periodo or periodo_predefinito()
    scrittore = _Scrittore(periodo, nome_file, utente)
    with transaction.atomic():
        try:
            tabella = importazione.apri(contenuto, nome_file)
            if sql is not False and importa_pg.disponibile(nome_file):
                importa_pg.carica(contenuto, tabella, periodo, erogatore, erogatori_ammessi, scrittore)
            else:
                riga, _, _ = controllo_righe(periodo, erogatore, erogatori_ammessi)
                importazione.importa(tabella, TRACCIATO, riga, scrivi=scrittore, vuoto=VUOTO)
        except FileRifiutato as e:
            raise FileRifiutato(scrubbed(e.errori)) from None
        if pubblica:
            from .services import pubblica_in_conoscenza

            pubblica_in_conoscenza(periodo)
    return scrittore.caricamento
