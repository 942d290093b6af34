"""Read queries of the registry. Every query takes the day it describes."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from zona.lib.text import normalizza

from .models import (
    ASST,
    ATS,
    AliasComune,
    Ambito,
    AmbitoDistretto,
    AppartenenzaComune,
    Capofila,
    Comune,
    Distretto,
    Incarico,
    Organo,
    TipoOrgano,
    VariazioneComune,
)

PROVINCIA = "BG"


def comuni_della_provincia(day, sigla=PROVINCIA):
    """The Comuni of the province that existed on `day` (a Comune that changed province has a
    code of each province, so the province of a code does not change)."""
    return Comune.objects.filter(sigla_provincia=sigla).esistenti_il(day)


def comuni_non_assegnati(day, sigla=PROVINCIA):
    return comuni_della_provincia(day, sigla).exclude(pk__in=AppartenenzaComune.objects.valid_on(day).values("comune"))


def distretti_con_ambiti(day):
    """Distretti with the Ambiti that belong to them on `day`, and each Ambito's Comuni count."""
    conteggi = dict(
        AppartenenzaComune.objects.valid_on(day)
        .values_list("ambito")
        .annotate(n=Count("id"))
        .values_list("ambito", "n")
    )
    per_distretto = defaultdict(list)
    for ad in AmbitoDistretto.objects.valid_on(day).select_related("ambito"):
        ad.ambito.numero_comuni = conteggi.get(ad.ambito_id, 0)
        per_distretto[ad.distretto_id].append(ad.ambito)
    distretti = list(Distretto.objects.select_related("asst__ats"))
    for d in distretti:
        d.ambiti_attuali = sorted(per_distretto.get(d.pk, []), key=lambda a: a.nome)
    return distretti


def distretto_di(ambito, day):
    ad = AmbitoDistretto.objects.valid_on(day).filter(ambito=ambito).select_related("distretto__asst__ats").first()
    return ad.distretto if ad else None


def comuni_di(ambito, day):
    return Comune.objects.filter(
        pk__in=AppartenenzaComune.objects.valid_on(day).filter(ambito=ambito).values("comune")
    ).order_by("nome")


def capofila_di(ambito, day):
    return Capofila.objects.valid_on(day).filter(ambito=ambito).select_related("ente").first()


def organi_di(ambito):
    return Organo.objects.filter(ambito=ambito).order_by("tipo")


def incarichi_in_carica(organi, day):
    return (
        Incarico.objects.in_carica_il(day)
        .filter(organo__in=organi)
        .select_related("persona", "comune", "organo")
        .order_by("organo", "ruolo", "persona__nome")
    )


@dataclass
class TerritorioAmbito:
    """An Ambito on a day: its Comuni, Distretto (with ASST and ATS) and ente capofila."""

    giorno: datetime.date
    comuni: list
    distretto: Distretto | None
    capofila: Capofila | None


def territorio_di(ambito, day):
    """The Ambito on `day`, or today when the registry has no memberships on that day (it
    records them from 2021)."""
    comuni = list(comuni_di(ambito, day))
    if not comuni:
        day = datetime.date.today()
        comuni = list(comuni_di(ambito, day))
    return TerritorioAmbito(day, comuni, distretto_di(ambito, day), capofila_di(ambito, day))


@dataclass
class OrganoInCarica:
    organo: Organo
    incarichi: list  # Incarico in office, with persona and comune


# The bodies an Ambito's own documents describe (the Piano di Zona's governance chapter).
ORGANI_DELL_AMBITO = (TipoOrgano.UFFICIO_DI_PIANO, TipoOrgano.ASSEMBLEA_AMBITO)


def organi_in_carica(ambito, day, tipi=ORGANI_DELL_AMBITO):
    """The Ambito's bodies of the given kinds with their office holders on `day`."""
    organi = [o for o in organi_di(ambito) if o.tipo in tipi]
    incarichi = list(incarichi_in_carica(organi, day))
    return [OrganoInCarica(o, [i for i in incarichi if i.organo_id == o.pk]) for o in organi]


def ambiti():
    return list(Ambito.objects.all())


def nomi_ats():
    return [a.nome for a in ATS.objects.all()]


def organi_provinciali(day):
    """The Collegio, the Conferenze and the Assemblee di Distretto with their office holders."""
    tipi = [TipoOrgano.COLLEGIO, TipoOrgano.CONFERENZA, TipoOrgano.ASSEMBLEA_DISTRETTO]
    return (
        Organo.objects.filter(tipo__in=tipi)
        .select_related("asst")
        .prefetch_related(
            "distretti",
            Prefetch(
                "incarichi",
                queryset=Incarico.objects.in_carica_il(day).select_related("persona", "comune"),
                to_attr="in_carica",
            ),
        )
        .order_by("tipo", "nome")
    )


def storia_di(comune):
    return comune.appartenenze.select_related("ambito").order_by("-dal")


def ambito_di(comune, day):
    app = AppartenenzaComune.objects.valid_on(day).filter(comune=comune).select_related("ambito").first()
    return app.ambito if app else None


def ambiti_di(comuni, day):
    """{codice ISTAT: Ambito} for many Comuni in one query."""
    return {
        app.comune_id: app.ambito
        for app in AppartenenzaComune.objects.valid_on(day)
        .filter(comune__in=[c.pk for c in comuni])
        .select_related("ambito")
    }


def cerca_comuni(testo, limit=50, day=None):
    """Comuni whose official name or a known alternative name contains the text, ignoring
    accents, apostrophes and case: `Urgano`, `Urganò` and `Urgnano` find Urgnano. With `day`,
    only the Comuni that existed on that day."""
    chiave = normalizza(testo)
    if not chiave:
        return Comune.objects.none()
    da_alias = AliasComune.objects.filter(nome_normalizzato__contains=chiave).values("comune")
    qs = Comune.objects.filter(Q(nome_normalizzato__contains=chiave) | Q(pk__in=da_alias))
    if day is not None:
        qs = qs.esistenti_il(day)
    return qs.order_by("nome", "codice_istat")[:limit]


def variazioni_di(comune):
    """(predecessors, successors): the ISTAT changes that made the Comune and that ended it."""
    precedenti = list(
        VariazioneComune.objects.filter(successivo=comune).exclude(precedente=comune).select_related("precedente")
    )
    successive = list(VariazioneComune.objects.filter(precedente=comune).select_related("successivo"))
    return precedenti, successive


def predecessori():
    """[(successor code, [predecessor codes])] in the order of the changes (an older change
    first, so that a chain of mergers adds up), name changes left out: to read data of years
    before a change in today's territory."""
    per_successore = {}
    for successivo, precedente in (
        VariazioneComune.objects.exclude(tipo="denominazione")
        .order_by("data", "successivo_id", "precedente_id")
        .values_list("successivo_id", "precedente_id")
    ):
        per_successore.setdefault(successivo, []).append(precedente)
    return list(per_successore.items())


LIVELLI_TERRITORIO = ("comune", "ambito", "distretto", "asst", "ats", "provincia", "italia")


def comuni_del_territorio(livello, codice, day):
    """The one rule for every level: the codes of the Comuni that exist on `day` and belong on
    that day to the territory (a Comune, an Ambito, a Distretto, an ASST, an ATS, a province by
    its abbreviation, Italy), whatever path of the hierarchy links them: Comune -> Ambito
    (membership) -> Distretto (membership) -> ASST -> ATS. A figure of the territory is the
    aggregate of these Comuni, and lists them."""
    if livello not in LIVELLI_TERRITORIO:
        raise ValueError(f"Livello sconosciuto: {livello}")
    esistenti = Comune.objects.esistenti_il(day)
    if livello == "comune":
        qs = esistenti.filter(pk=codice)
    elif livello == "provincia":
        qs = esistenti.filter(sigla_provincia=codice)
    elif livello == "italia":
        qs = esistenti
    else:
        ambiti = AppartenenzaComune.objects.valid_on(day)
        if livello == "ambito":
            ambiti = ambiti.filter(ambito_id=codice)
        else:
            campo = {"distretto": "distretto_id", "asst": "distretto__asst_id", "ats": "distretto__asst__ats_id"}
            distretti = AmbitoDistretto.objects.valid_on(day).filter(**{campo[livello]: codice})
            ambiti = ambiti.filter(ambito_id__in=distretti.values("ambito_id"))
        qs = esistenti.filter(pk__in=ambiti.values("comune_id"))
    return sorted(qs.values_list("codice_istat", flat=True))


COLONNE_EXPORT = ["istat_code", "comune", "ambito", "distretto", "asst", "ats"]


def righe_export(day, sigla=PROVINCIA):
    """One row per Comune of the province valid on `day`, with its hierarchy on that day."""
    ambito_per_comune = dict(AppartenenzaComune.objects.valid_on(day).values_list("comune_id", "ambito_id"))
    ambiti = {a.pk: a for a in Ambito.objects.all()}
    distretto_per_ambito = {
        ad.ambito_id: ad.distretto
        for ad in AmbitoDistretto.objects.valid_on(day).select_related("distretto__asst__ats")
    }
    righe = []
    for c in comuni_della_provincia(day, sigla).order_by("codice_istat"):
        ambito = ambiti.get(ambito_per_comune.get(c.pk))
        distretto = distretto_per_ambito.get(ambito.pk) if ambito else None
        righe.append(
            {
                "istat_code": c.codice_istat,
                "comune": c.nome,
                "ambito": ambito.nome if ambito else "",
                "distretto": distretto.nome if distretto else "",
                "asst": distretto.asst.nome if distretto else "",
                "ats": distretto.asst.ats.nome if distretto else "",
            }
        )
    return righe


@dataclass
class Riconciliazione:
    giorno: object
    non_risolti: list = field(default_factory=list)  # (ambito, nome, [candidati])
    risolti_con_alias: list = field(default_factory=list)  # (ambito, nome, comune)
    non_assegnati: list = field(default_factory=list)  # Comuni
    in_piu_ambiti: list = field(default_factory=list)  # (comune, [ambiti])
    conteggi: list = field(default_factory=list)  # (ambito, nella fonte, in anagrafe)
    fonte_diversa_da_anagrafe: list = field(default_factory=list)  # (comune, ambito fonte, ambito anagrafe)

    @property
    def coerente(self):
        # Differences from the source are reported but allowed: the registry may be newer
        # than the document (a Comune assigned later). Gaps and double memberships are not.
        return not (self.non_risolti or self.non_assegnati or self.in_piu_ambiti)


def riconcilia(righe_fonte, codici_ambito, giorno, sigla=PROVINCIA):
    """Compare a source table of (Ambito, Comune name) with the registry on `giorno`."""
    from .services import Risolutore

    risolutore = Risolutore.per_province([sigla])
    report = Riconciliazione(giorno)
    ambito_fonte_per_comune = {}
    per_ambito_fonte = Counter()
    for riga in righe_fonte:
        per_ambito_fonte[riga.ambito] += 1
        comune = risolutore.risolvi(riga.nome_comune)
        if comune is None:
            report.non_risolti.append((riga.ambito, riga.nome_comune, risolutore.candidati(riga.nome_comune)))
            continue
        if comune.nome_normalizzato != normalizza(riga.nome_comune):
            report.risolti_con_alias.append((riga.ambito, riga.nome_comune, comune))
        ambito_fonte_per_comune[comune.pk] = riga.ambito

    appartenenze = defaultdict(list)
    for app in AppartenenzaComune.objects.valid_on(giorno).select_related("ambito"):
        appartenenze[app.comune_id].append(app.ambito)
    for comune in comuni_della_provincia(giorno, sigla).order_by("nome"):
        ambiti = appartenenze.get(comune.pk, [])
        if not ambiti:
            report.non_assegnati.append(comune)
        elif len(ambiti) > 1:
            report.in_piu_ambiti.append((comune, ambiti))
        fonte = ambito_fonte_per_comune.get(comune.pk)
        if fonte and ambiti and codici_ambito.get(fonte) != ambiti[0].pk:
            report.fonte_diversa_da_anagrafe.append((comune, fonte, ambiti[0]))

    in_anagrafe = Counter()
    for ambiti in appartenenze.values():
        for a in ambiti:
            in_anagrafe[a.pk] += 1
    nomi = {a.pk: a for a in Ambito.objects.all()}
    for nome_fonte, n in per_ambito_fonte.items():
        codice = codici_ambito.get(nome_fonte)
        report.conteggi.append((nomi.get(codice, nome_fonte), n, in_anagrafe.get(codice, 0)))
    return report


def nome_territorio(livello, codice):
    """The name of a territory of LIVELLI_TERRITORIO, or None if Zona does not know it."""
    if livello == "italia":
        return "Italia" if codice == "IT" else None
    if livello == "provincia":
        comune = Comune.objects.filter(sigla_provincia=codice).order_by("-istituito_il").first()
        if comune is None:
            return None
        return comune.provincia if comune.provincia.startswith("Provincia") else f"Provincia di {comune.provincia}"
    modello = {"comune": Comune, "ambito": Ambito, "distretto": Distretto, "asst": ASST, "ats": ATS}.get(livello)
    if modello is None:
        return None
    oggetto = modello.objects.filter(pk=codice).first()
    return str(oggetto) if oggetto else None


@dataclass
class ComuneContato:
    comune: Comune
    ambito: Ambito | None  # on the day
    poi: list  # VariazioneComune after the day that ended it (merged later, moved to another province)


@dataclass
class ComuniContati:
    """Which Comuni a figure of a territory counts on a day (comuni_del_territorio), and, for a
    Comune that did not exist yet, the predecessors whose sum its figure is."""

    livello: str
    codice: str
    nome: str
    giorno: datetime.date
    comuni: list  # ComuneContato
    precedenti: list = field(default_factory=list)  # VariazioneComune whose `precedente` existed on the day


def precedenti_al(codice_istat, day):
    """The changes that made the Comune from Comuni that existed on `day` (through a chain of
    changes, older first), name changes left out: a Comune born after `day` reads, for that day,
    the sum of these predecessors (conoscenza.selectors._somma_predecessori)."""
    risultato = []
    da_visitare, visti = [codice_istat], set()
    while da_visitare:
        codice = da_visitare.pop()
        if codice in visti:
            continue
        visti.add(codice)
        for v in (
            VariazioneComune.objects.filter(successivo_id=codice)
            .exclude(tipo="denominazione")
            .exclude(precedente_id=codice)
            .select_related("precedente", "successivo")
        ):
            if Comune.objects.esistenti_il(day).filter(pk=v.precedente_id).exists():
                risultato.append(v)
            else:
                da_visitare.append(v.precedente_id)
    return sorted(risultato, key=lambda v: (v.data, v.precedente.nome))


def comuni_contati(livello, codice, day):
    """ComuniContati of a territory on `day`, None for an unknown territory. The list is
    comuni_del_territorio's, with each Comune's Ambito on the day and what happened to it later."""
    nome = nome_territorio(livello, codice)
    if nome is None:
        return None
    codici = comuni_del_territorio(livello, codice, day)
    ambiti = {}
    for comune_id, ambito in (
        AppartenenzaComune.objects.valid_on(day).filter(comune_id__in=codici).values_list("comune_id", "ambito")
    ):
        ambiti[comune_id] = ambito
    per_ambito = {a.pk: a for a in Ambito.objects.filter(pk__in=set(ambiti.values()))}
    dopo = defaultdict(list)
    for v in (
        VariazioneComune.objects.filter(precedente_id__in=codici, data__gt=day)
        .exclude(tipo="denominazione")
        .select_related("successivo")
        .order_by("data")
    ):
        dopo[v.precedente_id].append(v)
    comuni = [
        ComuneContato(c, per_ambito.get(ambiti.get(c.pk)), dopo.get(c.pk, []))
        for c in Comune.objects.filter(pk__in=codici).order_by("nome", "codice_istat")
    ]
    precedenti = precedenti_al(codice, day) if livello == "comune" and not codici else []
    return ComuniContati(livello, codice, nome, day, comuni, precedenti)
