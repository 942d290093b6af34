"""The open data catalogue: which datasets Zona publishes, their tables and their dates.

Each dataset is a table that some app already reads for its own pages or exports: the rows come
from that app's selectors, filtered to what an anonymous user may see (plans: never a draft;
funds: only the public columns), and are written by `zona.lib.downloads` like every other CSV.

The date of last modification of a dataset comes from the data, never from the clock: the
latest audited change of the rows under it (django-auditlog records every change made by users
and loads), or the time of the latest load where the data are loads (the knowledge base, fund
movements). A dataset with no data yet has no date: the catalogue then says so.

Counts of persons: the project has no shared small-cell suppression (1-4) for published tables,
so no dataset publishes counts of persons. The knowledge base's indicators measured in
«persone» (the resident population) are left out of the open data; ISTAT publishes them.
"""

import datetime
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone

from conoscenza import selectors as conoscenza
from conoscenza.models import Caricamento, Indicatore, Livello
from fondi import selectors as fondi
from fondi.models import Movimento
from offerta.models import TipoUnita, UnitaOfferta
from programmazione.models import Obiettivo, Piano
from territorio import selectors as territorio
from territorio.models import ASST, ATS, Ambito, AmbitoDistretto, AppartenenzaComune, Comune, Distretto
from zona.lib.cache import memorizza

# EU vocabularies (Publications Office authority tables) that DCAT-AP_IT requires.
TEMA = "http://publications.europa.eu/resource/authority/data-theme/"
FREQUENZA = "http://publications.europa.eu/resource/authority/frequency/"

UNITA_PERSONE = "persone"  # indicators that count persons: not published (see the docstring)
# What the public sees of the funds (as fondi.views.COLONNE_PUBBLICHE): the approved
# programming and the reported totals, never assignments or commitments.
COLONNE_FONDI_PUBBLICHE = ["programmato", "rendicontato"]


@dataclass(frozen=True)
class Distribuzione:
    codice: str
    titolo: str
    colonne: tuple
    righe: object  # () -> list of rows


@dataclass(frozen=True)
class Dataset:
    codice: str
    titolo: str
    descrizione: str
    temi: tuple  # codes of the EU data-theme vocabulary
    frequenza: str  # code of the EU frequency vocabulary
    frequenza_testo: str
    parole_chiave: tuple
    distribuzioni: tuple = field(default=())
    modificato: object = None  # () -> datetime or None

    def distribuzione(self, codice):
        return next((d for d in self.distribuzioni if d.codice == codice), None)

    def ultima_modifica(self):
        m = self.modificato()
        return None if m is None else timezone.localtime(m)


def _ultimo_audit(modelli, righe=None):
    """Time of the latest audited change of rows of `modelli`; with `righe` (a queryset of one
    of those models) only of those rows, matched in the database, not through a list."""
    tipi = ContentType.objects.get_for_models(*modelli).values()
    qs = LogEntry.objects.filter(content_type__in=tipi)
    if righe is not None:
        qs = qs.filter(object_id__in=righe.values("pk"))
    return qs.aggregate(m=Max("timestamp"))["m"]


def _piu_recente(*date):
    """The latest of dates and datetimes (a date counts as its midnight UTC), None if none."""
    valori = []
    for d in date:
        if d is None:
            continue
        if not isinstance(d, datetime.datetime):
            d = datetime.datetime.combine(d, datetime.time(), tzinfo=datetime.UTC)
        valori.append(d)
    return max(valori, default=None)


# --- anagrafe territoriale -------------------------------------------------------------------

MODELLI_ANAGRAFE = (Comune, Ambito, Distretto, ASST, ATS, AppartenenzaComune, AmbitoDistretto)
COLONNE_APPARTENENZE = ("istat_code", "comune", "ambito_codice", "ambito", "dal", "al")
COLONNE_AMBITI_DISTRETTI = ("ambito_codice", "ambito", "distretto", "asst", "ats", "dal", "al")


def _comuni_oggi():
    return [[r[c] for c in territorio.COLONNE_EXPORT] for r in territorio.righe_export(datetime.date.today())]


def _appartenenze():
    qs = AppartenenzaComune.objects.select_related("comune", "ambito").order_by("comune__codice_istat", "dal")
    return [[a.comune.codice_istat, a.comune.nome, a.ambito_id, a.ambito.nome, a.dal, a.al] for a in qs]


def _ambiti_distretti():
    qs = AmbitoDistretto.objects.select_related("ambito", "distretto__asst__ats").order_by("ambito__nome", "dal")
    return [
        [a.ambito_id, a.ambito.nome, a.distretto.nome, a.distretto.asst.nome, a.distretto.asst.ats.nome, a.dal, a.al]
        for a in qs
    ]


def _modifica_anagrafe():
    ultima_validita = AppartenenzaComune.objects.aggregate(m=Max("dal"))["m"]
    return _ultimo_audit(MODELLI_ANAGRAFE) or _piu_recente(ultima_validita)


# --- indicatori ------------------------------------------------------------------------------

LIVELLI_APERTI = (Livello.COMUNE, Livello.AMBITO, Livello.DISTRETTO, Livello.ASST, Livello.ATS)


def indicatori_aperti():
    return list(
        Indicatore.objects.exclude(unita=UNITA_PERSONE).order_by("ordine", "codice").values_list("codice", flat=True)
    )


def _indicatori(livello):
    def righe():
        return memorizza(
            f"opendata:indicatori:{livello}",
            lambda: conoscenza.righe_indicatori(livello, indicatori=indicatori_aperti()),
        )

    return righe


def _modifica_indicatori():
    return _piu_recente(
        Caricamento.objects.aggregate(m=Max("creato_il"))["m"], _ultimo_audit((Indicatore, Caricamento))
    )


# --- obiettivi dei piani approvati -----------------------------------------------------------

COLONNE_OBIETTIVI = (
    "ambito_codice",
    "ambito",
    "piano_anno_inizio",
    "piano_anno_fine",
    "stato_piano",
    "approvato_il",
    "codice",
    "titolo",
    "area_policy",
    "descrizione",
    "target",
    "importo_preventivato",
    "periodo_importo",
    "stato_attuazione",
)


def obiettivi_pubblici():
    """Objectives an anonymous user may see: programmazione's own rule, so never a draft."""
    return Obiettivo.objects.visibili_a(AnonymousUser())


def _obiettivi():
    qs = (
        obiettivi_pubblici()
        .select_related("piano__ambito")
        .order_by("piano__ambito__nome", "piano__anno_inizio", "ordine", "codice")
    )
    return [
        [
            o.piano.ambito_id,
            o.piano.ambito.nome,
            o.piano.anno_inizio,
            o.piano.anno_fine,
            o.piano.get_stato_display(),
            o.piano.approvato_il,
            o.codice,
            o.titolo,
            o.area_policy_id or "",
            o.descrizione,
            o.target,
            o.budget_stimato,
            o.get_periodo_budget_display() if o.periodo_budget else "",
            o.get_stato_display() if o.stato else "",
        ]
        for o in qs
    ]


def _modifica_obiettivi():
    piani = Piano.objects.visibili_a(AnonymousUser())
    return _piu_recente(
        _ultimo_audit((Piano,), piani),
        _ultimo_audit((Obiettivo,), obiettivi_pubblici()),
        piani.aggregate(m=Max("approvato_il"))["m"],
    )


# --- fondi -----------------------------------------------------------------------------------

COLONNE_FONDI = ("ambito_codice", "ambito", "fondo", "anno", *COLONNE_FONDI_PUBBLICHE)


def _fondi():
    nomi = dict(Ambito.objects.values_list("pk", "nome"))
    return [
        [ambito, nomi.get(ambito, ""), fondo, anno, *[getattr(saldo, c) for c in COLONNE_FONDI_PUBBLICHE]]
        for ambito, fondo, anno, saldo in fondi.totali_per_ambito()
    ]


def _modifica_fondi():
    return Movimento.objects.aggregate(m=Max("registrato_il"))["m"]


# --- offerta ---------------------------------------------------------------------------------

COLONNE_OFFERTA = (
    "tipo",
    "tipo_nome",
    "nome",
    "ente_gestore",
    "natura_ente",
    "istat_code",
    "comune",
    "indirizzo",
    "autorizzata_il",
    "accreditata_il",
    "posti_autorizzati",
    "posti_accreditati",
    "contratto_ambito",
)


def _offerta():
    qs = UnitaOfferta.objects.select_related("tipo", "comune").order_by("tipo__ordine", "comune__nome", "nome")
    return [
        [
            u.tipo_id,
            u.tipo.nome,
            u.nome,
            u.ente_gestore,
            u.get_natura_ente_display(),
            u.comune_id,
            u.comune.nome,
            u.indirizzo,
            u.autorizzata_il,
            u.accreditata_il,
            u.posti_autorizzati,
            u.posti_accreditati,
            "sì" if u.contratto_ambito else "no",
        ]
        for u in qs
    ]


def _modifica_offerta():
    return _ultimo_audit((UnitaOfferta, TipoUnita))


# --- the catalogue ---------------------------------------------------------------------------


def datasets():
    """Every dataset of the catalogue, in the order of the catalogue page."""
    return [
        Dataset(
            codice="anagrafe-territoriale",
            titolo="Anagrafe territoriale: Comuni, Ambiti e Distretti",
            descrizione=(
                "I Comuni della provincia con l'Ambito territoriale sociale, il Distretto, l'ASST e l'ATS a cui "
                "appartengono oggi, e la storia delle appartenenze dei Comuni agli Ambiti e degli Ambiti ai "
                "Distretti con le date di validità (dal, al: vuoto se ancora valida)."
            ),
            temi=("GOVE", "REGI"),
            frequenza="IRREG",
            frequenza_testo="irregolare (a ogni variazione dell'anagrafe)",
            parole_chiave=("Comuni", "Ambiti territoriali sociali", "Distretti", "anagrafe"),
            distribuzioni=(
                Distribuzione(
                    "comuni", "Comuni con la loro appartenenza di oggi", tuple(territorio.COLONNE_EXPORT), _comuni_oggi
                ),
                Distribuzione(
                    "appartenenze",
                    "Appartenenze dei Comuni agli Ambiti, con validità",
                    COLONNE_APPARTENENZE,
                    _appartenenze,
                ),
                Distribuzione(
                    "ambiti-distretti",
                    "Ambiti nei Distretti, con validità",
                    COLONNE_AMBITI_DISTRETTI,
                    _ambiti_distretti,
                ),
            ),
            modificato=_modifica_anagrafe,
        ),
        Dataset(
            codice="indicatori",
            titolo="Indicatori del quadro conoscitivo per livello territoriale e anno",
            descrizione=(
                "Gli indicatori demografici e sociali del quadro conoscitivo (indice di vecchiaia, tassi, spesa "
                "sociale pro capite, ...) calcolati dai dati di base per Comune, Ambito, Distretto, ASST e ATS, per "
                "ogni anno con dati. Non contiene conteggi di persone."
            ),
            temi=("SOCI", "REGI"),
            frequenza="ANNUAL",
            frequenza_testo="annuale",
            parole_chiave=("indicatori", "quadro conoscitivo", "popolazione", "spesa sociale"),
            distribuzioni=tuple(
                Distribuzione(
                    str(lv), f"Indicatori per {lv.label}", tuple(conoscenza.COLONNE_INDICATORI), _indicatori(lv)
                )
                for lv in LIVELLI_APERTI
            ),
            modificato=_modifica_indicatori,
        ),
        Dataset(
            codice="obiettivi-piani",
            titolo="Obiettivi dei Piani di Zona approvati",
            descrizione=(
                "Gli obiettivi (Tabella 3) dei Piani di Zona approvati dalle Assemblee dei Sindaci, con area di "
                "policy, destinatari, importo preventivato e stato di attuazione. Le bozze non sono pubblicate."
            ),
            temi=("SOCI", "GOVE"),
            frequenza="IRREG",
            frequenza_testo="irregolare (all'approvazione di un piano o a ogni aggiornamento)",
            parole_chiave=("Piano di Zona", "obiettivi", "programmazione sociale"),
            distribuzioni=(Distribuzione("obiettivi", "Obiettivi dei piani approvati", COLONNE_OBIETTIVI, _obiettivi),),
            modificato=_modifica_obiettivi,
        ),
        Dataset(
            codice="fondi",
            titolo="Fondi degli Ambiti: programmato e rendicontato",
            descrizione=(
                "Per ogni Ambito, fondo (FNPS, FNA, Fondo Povertà, FSR, ...) e anno di competenza, le somme "
                "programmate e rendicontate, in euro."
            ),
            temi=("SOCI", "ECON", "GOVE"),
            frequenza="IRREG",
            frequenza_testo="irregolare (a ogni movimento registrato)",
            parole_chiave=("fondi sociali", "FNPS", "FNA", "rendicontazione"),
            distribuzioni=(Distribuzione("fondi", "Fondi per Ambito e anno", COLONNE_FONDI, _fondi),),
            modificato=_modifica_fondi,
        ),
        Dataset(
            codice="offerta-servizi",
            titolo="Offerta dei servizi: le unità d'offerta sociali",
            descrizione=(
                "Il registro delle unità d'offerta sociali della provincia: tipo, ente gestore, Comune, "
                "autorizzazione, accreditamento, posti autorizzati e accreditati, contratto con l'Ambito. Gli "
                "importi dei contratti non sono pubblicati."
            ),
            temi=("SOCI", "HEAL"),
            frequenza="IRREG",
            frequenza_testo="irregolare (a ogni variazione del registro)",
            parole_chiave=("unità d'offerta", "servizi sociali", "accreditamento"),
            distribuzioni=(Distribuzione("unita", "Unità d'offerta", COLONNE_OFFERTA, _offerta),),
            modificato=_modifica_offerta,
        ),
    ]


def dataset(codice):
    return next((d for d in datasets() if d.codice == codice), None)


def ultima_modifica_catalogo(date):
    return _piu_recente(*date)
