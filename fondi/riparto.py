"""Splitting an amount among the Comuni of an Ambito (the Accordo's quota capitaria).

Criteria: by resident population, by the residents of an age band, by a weighted formula (a
share in equal parts, the rest by population) or by fixed shares. Every criterion only makes
integer weights; the cents come from programmazione.riparto (largest remainder), so the parts
always add up to the amount, to the cent."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from conoscenza.selectors import somme_dei_comuni
from programmazione.popolazione import residenti as residenti_ambiti_e_comuni
from programmazione.riparto import RipartoNonValido, in_centesimi
from territorio.models import AppartenenzaComune
from territorio.selectors import comuni_di
from zona.lib.cache import CONOSCENZA, memorizza

CRITERI = {
    "popolazione": "in proporzione ai residenti",
    "fascia_eta": "in proporzione ai residenti di una fascia d'età",
    "formula": "una parte in quote uguali, il resto per residenti",
    "quote_fisse": "quote fisse (percentuali per Comune)",
}
MISURA = "popolazione_residente"


@dataclass
class QuotaComune:
    comune: object
    peso: int
    quota: Decimal


@dataclass
class RipartoComuni:
    importo: Decimal
    criterio: str
    anno: int | None
    descrizione: str
    righe: list = field(default_factory=list)

    @property
    def totale(self):
        return sum((r.quota for r in self.righe), Decimal(0))


def residenti(codici, anno, eta_da=None, eta_a=None):
    """{codice ISTAT: residents on 1 January of `anno`} (only Comuni with data); every Comune
    when `codici` is None."""
    return {c: int(v) for c, v in somme_dei_comuni(MISURA, anno, codici, eta_da, eta_a).items()}


def residenti_di_ogni_comune(anno, eta_da=None, eta_a=None):
    """`residenti` of every Comune, once per version of the knowledge base's data: the what-if splits every Ambito by
    them, twice per request (current and changed parameters), and summing the residents of a
    whole country by age and sex was most of its time (bench/README.md). Without an age band,
    those of the split among the Ambiti (computed with them in one pass)."""
    if eta_da is None and eta_a is None:
        return residenti_ambiti_e_comuni(anno)[1]
    return memorizza(
        f"residenti-comuni:{anno}:{eta_da}:{eta_a}", lambda: residenti(None, anno, eta_da, eta_a), dati=CONOSCENZA
    )


class ComuneBreve(NamedTuple):
    """What a split needs of a Comune: at national scale 8.000 model instances (with their
    memberships) took longer to build than the what-if's arithmetic."""

    pk: str
    nome: str


def comuni_per_ambito(giorno):
    """{ambito code: [ComuneBreve by name]} of every Ambito on `giorno`, in one query, once per
    version of the knowledge base's data, the registry's included (the country's 7.900
    memberships were a fifth of a what-if from the cache)."""
    return memorizza(f"comuni-per-ambito:{giorno}", lambda: _comuni_per_ambito(giorno), dati=CONOSCENZA)


def _comuni_per_ambito(giorno):
    per_ambito = {}
    righe = (
        AppartenenzaComune.objects.valid_on(giorno)
        .order_by("comune__nome", "comune")
        .values_list("ambito_id", "comune_id", "comune__nome")
    )
    for ambito, codice, nome in righe:
        per_ambito.setdefault(ambito, []).append(ComuneBreve(codice, nome))
    return per_ambito


def riparto_tra_comuni(
    ambito,
    importo,
    criterio,
    anno=None,
    eta_da=None,
    eta_a=None,
    quota_uguale=None,
    quote=None,
    comuni=None,
    popolazione=None,
):
    """Split `importo` among the Comuni of `ambito` on 1 January of `anno` by `criterio`.

    quota_uguale: percent (0-100) shared in equal parts (criterio "formula");
    quote: {codice ISTAT: percent} summing to 100 (criterio "quote_fisse");
    comuni, popolazione: the Ambito's Comuni and {codice: residents (of the age band)} when the
    caller has read them already."""
    centesimi = in_centesimi(importo)
    controlla_criterio(criterio, anno, eta_da, eta_a)
    giorno = datetime.date(anno, 1, 1) if anno else datetime.date.today()
    comuni = list(comuni_di(ambito, giorno)) if comuni is None else comuni
    if criterio != "quote_fisse" and popolazione is None:
        fascia = (eta_da, eta_a) if criterio == "fascia_eta" else (None, None)
        popolazione = residenti([c.pk for c in comuni], anno, *fascia)
    pesi, descrizione = _pesi(ambito, comuni, giorno, criterio, anno, eta_da, eta_a, quota_uguale, quote, popolazione)
    r = RipartoComuni(Decimal(centesimi).scaleb(-2), criterio, anno, descrizione)
    r.righe = [
        QuotaComune(c, peso, Decimal(q).scaleb(-2))
        for c, peso, q in zip(comuni, pesi, parti_in_centesimi(centesimi, comuni, pesi), strict=True)
    ]
    return r


def controlla_criterio(criterio, anno, eta_da=None, eta_a=None):
    """The checks of a criterion's parameters that no Ambito's data change."""
    if criterio not in CRITERI:
        raise RipartoNonValido(f"Criterio sconosciuto: usare {', '.join(CRITERI)}.")
    if criterio == "quote_fisse":
        return
    if anno is None:
        raise RipartoNonValido("Indicare l'anno della popolazione.")
    if criterio == "fascia_eta":
        if eta_da is None and eta_a is None:
            raise RipartoNonValido("Indicare la fascia d'età (da, a).")
        if eta_da is not None and eta_a is not None and eta_a < eta_da:
            raise RipartoNonValido("La fascia d'età finisce prima di cominciare.")


def _pesi(ambito, comuni, giorno, criterio, anno, eta_da, eta_a, quota_uguale, quote, pop):
    """([integer weight of each Comune of `comuni`], description of the criterion); `pop`
    {codice: residents (of the age band)} may hold other Ambiti's Comuni."""
    if not comuni:
        raise RipartoNonValido(f"L'Ambito {ambito.nome} non ha Comuni al {giorno:%d/%m/%Y}.")
    descrizione = CRITERI[criterio]
    if criterio == "quote_fisse":
        quote = quote or {}
        codici = {c.pk for c in comuni}
        ignoti = sorted(set(quote) - codici)
        if ignoti:
            raise RipartoNonValido("Comuni non dell'Ambito: " + ", ".join(ignoti) + ".")
        if sum(quote.values(), Decimal(0)) != 100:
            raise RipartoNonValido(f"Le quote fisse sommano a {sum(quote.values(), Decimal(0))}%, non a 100%.")
        # Percent with up to 4 decimals -> integer weights.
        return [int(Decimal(quote.get(c.pk, 0)) * 10_000) for c in comuni], descrizione
    if criterio == "fascia_eta":
        descrizione += f" ({eta_da or 0}-{eta_a if eta_a is not None else '…'} anni)"
    residenti_comuni = [pop.get(c.pk) for c in comuni]
    if None in residenti_comuni:
        mancanti = [c.nome for c, p in zip(comuni, residenti_comuni, strict=True) if p is None]
        raise RipartoNonValido(
            f"Manca la popolazione al 1° gennaio {anno} di: " + ", ".join(mancanti) + ". Caricare i dati."
        )
    if criterio != "formula":
        return residenti_comuni, descrizione
    if quota_uguale is None or not 0 <= quota_uguale <= 100:
        raise RipartoNonValido("La parte in quote uguali è una percentuale da 0 a 100.")
    quota_uguale = int(quota_uguale)
    totale, n = sum(residenti_comuni), len(comuni)
    # share_i = u/100 · 1/N + (1-u/100) · pop_i/P, times 100·N·P: integers, same proportions.
    uguale, resto = quota_uguale * totale, (100 - quota_uguale) * n
    return [uguale + resto * p for p in residenti_comuni], (
        f"{quota_uguale}% in quote uguali, {100 - quota_uguale}% per residenti"
    )


def parti_in_centesimi(centesimi, comuni, pesi):
    """The cents of each Comune, as programmazione.riparto.riparto splits them (largest
    remainder; ties: larger weight, then code), on plain lists: the what-if splits every Ambito
    of the country twice, and the dictionaries, checks and Decimals of the general split were
    most of its time (bench/README.md, fondi_national)."""
    if any(p < 0 for p in pesi):
        c = next(c for c, p in zip(comuni, pesi, strict=True) if p < 0)
        raise RipartoNonValido(f"Il peso di «{c.pk}» non può essere negativo.")
    totale = sum(pesi)
    if totale <= 0:
        raise RipartoNonValido("La somma dei pesi è zero: non c'è nulla su cui ripartire.")
    parti = [divmod(centesimi * p, totale) for p in pesi]
    quote = [q for q, _ in parti]
    avanzo = centesimi - sum(quote)
    if avanzo:
        ordine = sorted(range(len(pesi)), key=lambda i: (-parti[i][1], -pesi[i], comuni[i].pk))
        for i in ordine[:avanzo]:
            quote[i] += 1
    return quote


def riparto_di_ogni_ambito(quote_ambiti, per_ambito, popolazione, criterio, anno, eta_da, eta_a, quota_uguale):
    """{comune code: (ComuneBreve, ambito code, quota)}: each Ambito's quota {Ambito: Decimal}
    split among its Comuni `per_ambito` {ambito code: [ComuneBreve]} by residents `popolazione`,
    as `riparto_tra_comuni` splits one Ambito (the same checks, messages and cents)."""
    controlla_criterio(criterio, anno, eta_da, eta_a)
    giorno = datetime.date(anno, 1, 1)
    risultato = {}
    for ambito, quota in quote_ambiti.items():
        codice = ambito.pk
        comuni = per_ambito.get(codice, [])
        pesi, _ = _pesi(ambito, comuni, giorno, criterio, anno, eta_da, eta_a, quota_uguale, None, popolazione)
        centesimi = int(quota.scaleb(2))
        for c, q in zip(comuni, parti_in_centesimi(centesimi, comuni, pesi), strict=True):
            risultato[c.pk] = (c, codice, Decimal(q).scaleb(-2))
    return risultato
