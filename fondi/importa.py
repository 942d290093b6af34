"""Movements from the ente capofila's accounting exports (CSV or XLSX), all or nothing.

Layout (first row: the column names below, in any order; `*` = always required):

    ambito*        code (alto-sebino) or name of the Ambito
    fondo*         code of the fund in the catalogue (fnps, fna-b2, poverta, fsr, ...)
    anno*          year of competence
    tipo*          assegnazione, programmazione, impegno, liquidazione, rendicontazione, economia,
                   riporto (a residuo of anno-1 carried into anno)
    numero*        number of the act (decree, DGR, delibera, determina, mandato)
    data*          date of the act, GG/MM/AAAA or AAAA-MM-GG
    importo*       euro, at most two decimals (1234.56 or 1.234,56), never negative
    obiettivo      code of an objective of the Ambito's plan (programmazione ... economia)
    servizio       service or intervention
    area           policy area A-J
    beneficiario   who is paid (impegno, liquidazione, economia)
    periodo_dal, periodo_al, utenti    the period reported and the users served (rendicontazione)
    corregge       number of the act this row corrects (same fund, year and type): it replaces it
    descrizione, fonte

`leggi_riga` checks one row on its own and is pure (no writes); `importa` runs it on every row
through the row-import loop of zona.lib.importazione and records the rows in file order through
the ledger's services, so the ledger's own refusals (a commitment above the programmed amount,
a closed year) come back as errors of the row, and nothing is saved unless the whole file is right.
"""

from django.core.exceptions import PermissionDenied, ValidationError

from programmazione.models import AreaPolicy, Obiettivo
from territorio.models import Ambito
from zona.lib import importazione, valori
from zona.lib.importazione import Colonna, RigaErrata, Tracciato
from zona.lib.text import normalizza

from . import services
from .models import Fondo, Movimento, TipoMovimento

COLONNE = [
    "ambito",
    "fondo",
    "anno",
    "tipo",
    "numero",
    "data",
    "importo",
    "obiettivo",
    "servizio",
    "area",
    "beneficiario",
    "periodo_dal",
    "periodo_al",
    "utenti",
    "corregge",
    "descrizione",
    "fonte",
]
OBBLIGATORIE = ["ambito", "fondo", "anno", "tipo", "numero", "data", "importo"]
TIPI = {t.value for t in TipoMovimento} - {TipoMovimento.RIPORTO_FUORI}
MAX_BYTES = 5 * 1024 * 1024
TRACCIATO = Tracciato(*(Colonna(c, obbligatoria=c in OBBLIGATORIE) for c in COLONNE), sconosciute="errore")
ESEMPIO = [
    "alto-sebino,fnps,2025,assegnazione,DGR XII/1234,15/05/2025,210000.00,,,,,,,,,Quota FNPS 2025,",
    "alto-sebino,fnps,2025,programmazione,Delibera Assemblea 3/2025,30/06/2025,60000.00,,SAD,D,,,,,,,",
]


class Contesto:
    """What a row is checked against, read once per file."""

    def __init__(self):
        self.ambiti = {}
        for a in Ambito.objects.all():
            self.ambiti[a.pk] = a.pk
            self.ambiti[normalizza(a.nome)] = a.pk
        self.fondi = set(Fondo.objects.values_list("pk", flat=True))
        self.aree = {a.pk: a for a in AreaPolicy.objects.all()}
        self.obiettivi = {}
        for o in Obiettivo.objects.select_related("piano"):
            self.obiettivi.setdefault((o.piano.ambito_id, o.codice), []).append(o)


def leggi_riga(v, ctx):
    """(fields for the service, [(column, reason)]) for one row's values `v` (column -> text)."""
    errori, campi = [], {}

    def errore(colonna, motivo):
        errori.append((colonna, motivo))

    for c in OBBLIGATORIE:
        if str(v.get(c) or "").strip() == "":
            errore(c, "campo obbligatorio vuoto.")
    if errori:
        return None, errori
    ambito = ctx.ambiti.get(normalizza(str(v["ambito"])))
    if ambito is None:
        errore("ambito", f"Ambito «{valori.mostra(v['ambito'])}» sconosciuto (codice o nome).")
    fondo = str(v["fondo"]).strip().lower()
    if fondo not in ctx.fondi:
        errore("fondo", f"fondo «{valori.mostra(v['fondo'])}» non presente nel catalogo.")
    tipo = str(v["tipo"]).strip().lower()
    if tipo not in TIPI:
        errore("tipo", f"tipo «{valori.mostra(v['tipo'])}» sconosciuto: " + ", ".join(sorted(TIPI)) + ".")
    for colonna, funzione in (
        ("anno", lambda x: valori.anno(x, minimo=1990, massimo=2100)),
        ("data", lambda x: valori.data(x, campo="data")),
        ("importo", lambda x: valori.importo(x, campo="importo")),
        ("numero", lambda x: valori.testo(x, campo="numero", max_lunghezza=100, obbligatorio=True)),
        ("servizio", lambda x: valori.testo(x, campo="servizio", max_lunghezza=200)),
        ("beneficiario", lambda x: valori.testo(x, campo="beneficiario", max_lunghezza=200)),
        ("descrizione", lambda x: valori.testo(x, campo="descrizione", max_lunghezza=300)),
        ("fonte", lambda x: valori.testo(x, campo="fonte", max_lunghezza=300)),
        ("corregge", lambda x: valori.testo(x, campo="corregge", max_lunghezza=100)),
        ("periodo_dal", lambda x: valori.data(x, campo="periodo_dal", obbligatorio=False)),
        ("periodo_al", lambda x: valori.data(x, campo="periodo_al", obbligatorio=False)),
        ("utenti", lambda x: valori.intero(x, campo="utenti", minimo=0, massimo=10_000_000, obbligatorio=False)),
    ):
        grezzo = v.get(colonna)
        if grezzo in (None, "") and colonna not in OBBLIGATORIE:
            continue
        try:
            campi[colonna] = funzione(grezzo)
        except valori.ValoreNonValido as e:
            errore(colonna, e.motivo)
    lettera = str(v.get("area") or "").strip().upper()
    if lettera:
        if lettera in ctx.aree:
            campi["area"] = ctx.aree[lettera]
        else:
            errore("area", f"area di policy «{valori.mostra(lettera)}» sconosciuta (una lettera da A a J).")
    codice_ob = str(v.get("obiettivo") or "").strip()
    if codice_ob and ambito is not None:
        trovati = ctx.obiettivi.get((ambito, codice_ob), [])
        anno = campi.get("anno")
        if anno is not None:
            trovati = [o for o in trovati if o.piano.anno_inizio <= anno <= o.piano.anno_fine] or trovati
        if len(trovati) == 1:
            campi["obiettivo"] = trovati[0]
        elif not trovati:
            errore("obiettivo", f"nessun obiettivo «{valori.mostra(codice_ob)}» nei piani dell'Ambito.")
        else:
            errore("obiettivo", f"«{valori.mostra(codice_ob)}» è in più piani dell'Ambito.")
    campi.update(ambito=ambito, fondo=fondo, tipo=tipo)
    return campi, errori


def leggi_file(contenuto, nome_file):
    """An uploaded file opened for `importa`; its header is checked at once."""
    tabella = importazione.apri(contenuto, nome_file, MAX_BYTES)
    TRACCIATO.indici(tabella.intestazione)
    return tabella


def _registra(utente, campi):
    corregge = campi.pop("corregge", None)
    ambito, fondo, anno, tipo = campi.pop("ambito"), campi.pop("fondo"), campi.pop("anno"), campi.pop("tipo")
    importo, numero, data = campi.pop("importo"), campi.pop("numero"), campi.pop("data")
    if tipo == TipoMovimento.RIPORTO:
        if corregge:
            raise ValidationError("Un riporto non si corregge: se ne registra uno nuovo.")
        return services.riporta_residuo(utente, ambito, fondo, anno - 1, importo, numero, data)
    if corregge:
        vecchi = list(
            Movimento.objects.filter(
                esercizio__ambito=ambito,
                esercizio__fondo=fondo,
                esercizio__anno=anno,
                tipo=tipo,
                numero=corregge,
                corretto_da__isnull=True,
            )
        )
        if len(vecchi) != 1:
            raise ValidationError(
                f"«corregge»: {'nessun' if not vecchi else 'più di un'} movimento valido con numero "
                f"«{valori.mostra(corregge)}» dello stesso fondo, anno e tipo."
            )
        corregge = vecchi[0]
    return services.registra_movimento(
        utente, ambito, fondo, anno, tipo, importo, numero, data, corregge=corregge or None, **campi
    )


def importa(utente, tabella):
    """Record every row of `tabella` (leggi_file) or none. Returns the number of movements;
    raises FileRifiutato with every error (row, column, reason)."""
    ctx = Contesto()

    def riga(r):
        campi, problemi = leggi_riga({c: r[c] for c in COLONNE}, ctx)
        for colonna, motivo in problemi:
            r.errore(colonna, motivo)
        return campi

    def scrivi(campi):
        try:
            _registra(utente, dict(campi))
        except ValidationError as e:
            raise RigaErrata(None, " ".join(e.messages)) from None
        except PermissionDenied as e:
            raise RigaErrata(None, str(e)) from None

    return importazione.importa(tabella, TRACCIATO, riga, scrivi=scrivi, vuoto="Il file non contiene movimenti.")


def modello_csv():
    return ",".join(COLONNE) + "\n" + "\n".join(ESEMPIO) + "\n"
