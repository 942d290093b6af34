"""The status of each LEPS for an Ambito and a year, with the figure behind it.

The rule, one for every LEPS (its threshold and direction are in the catalogue,
offerta/data/leps.csv):
- no figure for the Ambito and the year: «dato mancante» (never a guess);
- `verso` «almeno»: raggiunto when the figure is >= soglia, parziale when >= soglia_parziale
  (if the LEPS has one), otherwise non raggiunto;
- `verso` «al_piu» (residents per social worker): raggiunto when <= soglia, parziale when
  <= soglia_parziale (if any), otherwise non raggiunto. Social workers loaded as 0 FTE give no
  ratio and are «non raggiunto»: there is no service at all.
The `obiettivo` (1 social worker per 4.000 residents) is reported beside the status: a further
target of service, not a condition of the LEPS.

Figures: the social workers' ratio comes from the knowledge base (indicator
`abitanti_per_assistente_sociale`: residents on 1 January over the FTE of measure
`assistenti_sociali_fte`, per Comune or per Ambito, rolled up by conoscenza); every other LEPS
from the figure the Ambito recorded (RilevazioneLeps) with its source.
"""

from dataclasses import dataclass
from decimal import Decimal

from conoscenza.models import Livello
from conoscenza.selectors import calcola
from territorio.models import Ambito

from .models import Calcolo, Leps, RilevazioneLeps, Verso

RAGGIUNTO, PARZIALE, NON_RAGGIUNTO, MANCANTE = "raggiunto", "parziale", "non raggiunto", "dato mancante"
STATI = [RAGGIUNTO, PARZIALE, NON_RAGGIUNTO, MANCANTE]
INDICATORE_AS = "abitanti_per_assistente_sociale"
FONTE_AS = "Base di conoscenza: popolazione residente al 1° gennaio (ISTAT) e assistenti sociali in FTE caricati"
_ASSENTE = object()


def stato(valore, verso, soglia, soglia_parziale=None):
    """One of STATI for `valore` (a Decimal, None for «no service at all», _ASSENTE for no
    figure) against the thresholds."""
    if valore is _ASSENTE or soglia is None:
        return MANCANTE
    if valore is None:
        return NON_RAGGIUNTO
    if verso == Verso.AL_PIU:
        if valore <= soglia:
            return RAGGIUNTO
        if soglia_parziale is not None and valore <= soglia_parziale:
            return PARZIALE
        return NON_RAGGIUNTO
    if valore >= soglia:
        return RAGGIUNTO
    if soglia_parziale is not None and valore >= soglia_parziale:
        return PARZIALE
    return NON_RAGGIUNTO


def obiettivo_raggiunto(valore, verso, obiettivo):
    if obiettivo is None or valore is None or valore is _ASSENTE:
        return None
    return valore <= obiettivo if verso == Verso.AL_PIU else valore >= obiettivo


@dataclass(frozen=True)
class StatoLeps:
    codice: str
    nome: str
    riferimento: str
    indicatore: str
    unita: str
    verso: str
    soglia: Decimal | None
    soglia_parziale: Decimal | None
    obiettivo: Decimal | None
    valore: Decimal | None
    stato: str
    obiettivo_raggiunto: bool | None
    fonte: str
    calcolo: str

    @property
    def classe(self):
        """The badge colour of the status (a CSS class suffix)."""
        return {RAGGIUNTO: "success", PARZIALE: "warning", NON_RAGGIUNTO: "danger"}.get(self.stato, "secondary")

    @property
    def segno_soglia(self):
        """How the figure must stand to the threshold: «≤» (at most) or «≥» (at least)."""
        return "≤" if self.verso == Verso.AL_PIU else "≥"


def _valutazione(leps, valore, fonte):
    return StatoLeps(
        codice=leps.codice,
        nome=leps.nome,
        riferimento=leps.riferimento,
        indicatore=leps.indicatore,
        unita=leps.unita,
        verso=leps.verso,
        soglia=leps.soglia,
        soglia_parziale=leps.soglia_parziale,
        obiettivo=leps.obiettivo,
        valore=None if valore is _ASSENTE else valore,
        stato=stato(valore, leps.verso, leps.soglia, leps.soglia_parziale),
        obiettivo_raggiunto=obiettivo_raggiunto(valore, leps.verso, leps.obiettivo),
        fonte=fonte if valore is not _ASSENTE else "",
        calcolo=leps.calcolo,
    )


def catalogo():
    return list(Leps.objects.order_by("ordine", "nome"))


def stati_per_ambiti(anno, ambiti=None):
    """{codice Ambito: [StatoLeps in catalogue order]} for `anno`, every Ambito by default;
    a fixed number of queries whatever the number of Ambiti."""
    if ambiti is None:
        ambiti = list(Ambito.objects.order_by("nome").values_list("pk", flat=True))
    voci = catalogo()
    rilevazioni = {(r.ambito_id, r.leps_id): r for r in RilevazioneLeps.objects.filter(anno=anno, ambito__in=ambiti)}
    rapporti = {}
    if any(v.calcolo == Calcolo.ABITANTI_PER_AS for v in voci):
        rapporti = calcola(Livello.AMBITO, anni=[anno], indicatori=[INDICATORE_AS], territori=ambiti)
    risultato = {}
    for ambito in ambiti:
        righe = []
        for leps in voci:
            if leps.calcolo == Calcolo.ABITANTI_PER_AS:
                valore = rapporti.get((ambito, anno, INDICATORE_AS), _ASSENTE)
                if valore is not _ASSENTE and valore is not None:
                    valore = valore.quantize(Decimal(1))
                righe.append(_valutazione(leps, valore, FONTE_AS))
            else:
                r = rilevazioni.get((ambito, leps.codice))
                righe.append(_valutazione(leps, _ASSENTE if r is None else r.valore, r.fonte if r else ""))
        risultato[ambito] = righe
    return risultato


def stati_ambito(ambito, anno):
    return stati_per_ambiti(anno, [ambito])[ambito]


COLONNE_EXPORT = ["leps", "indicatore", "valore", "soglia", "stato", "fonte"]


def _numero(valore):
    return None if valore is None else valore.normalize()


def righe_export(ambito, anno):
    """The rows of `manage.py export_leps` and of the page's download (COLONNE_EXPORT): numbers
    as Decimals (zona.lib.downloads writes them with a point), the status in words."""
    return [
        [s.codice, s.indicatore, _numero(s.valore), _numero(s.soglia), s.stato, s.fonte]
        for s in stati_ambito(ambito, anno)
    ]


# --- the LEPS in a plan ----------------------------------------------------------------------


def anno_del_piano(anno_fine, oggi):
    """The year a plan's LEPS are read at: the last year of the plan that has begun (a plan
    that ended: its last year; a plan in progress: this year; a plan not yet begun: this year
    too, the situation it starts from)."""
    return min(oggi.year, anno_fine)


@dataclass(frozen=True)
class LepsNelPiano:
    stato: StatoLeps
    obiettivi: tuple  # labels of the plan's objectives that implement it


@dataclass(frozen=True)
class LepsDelPiano:
    """What a plan's document prints of the LEPS: every LEPS of the catalogue with its status
    for the plan's Ambito in `anno`, and the objectives of the plan that implement it."""

    anno: int
    righe: tuple  # LepsNelPiano, in catalogue order

    @property
    def senza_obiettivi(self):
        return tuple(r for r in self.righe if not r.obiettivi)


def leps_del_piano(ambito, anno, obiettivi):
    """`obiettivi`: [(label of an objective, [codes of the LEPS it implements])], as the
    caller (documenti, which reads the plan) has them."""
    per_leps = {}
    for etichetta, codici in obiettivi:
        for codice in codici:
            per_leps.setdefault(codice, []).append(etichetta)
    return LepsDelPiano(
        anno=anno,
        righe=tuple(LepsNelPiano(s, tuple(per_leps.get(s.codice, ()))) for s in stati_ambito(ambito, anno)),
    )
