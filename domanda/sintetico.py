"""SYNTHETIC case-record extracts: a seeded, deterministic generator of plausible CSI extracts.

Everything this module makes is invented: the people, their codici fiscali (valid in form and
check character, built by domanda.codice_fiscale.componi, of nobody), their interventions and
spending. It exists for the demo (domanda.demo, a few thousand rows for the 14 Ambiti in 2023
and 2024) and for benchmarks (`scala` makes it larger). The same seed gives the same rows.

What is plausible in it:
- users per Ambito between 45 and 80 a year (scaled; Alto Sebino more, for its home care),
  areas and interventions with the weights below, quantities in the unit of the nomenclature;
- Alto Sebino's home care follows what its Piano di Zona 2021-2023 publishes for 2020
  (Tab. 3.2-3.3: SAD 81 users and 6.384 hours, ADM 42 users and 1.233 hours), used for both
  years as the latest published figure;
- on purpose: persons who move between Comuni of the same Ambito during the year (two rows,
  two Comuni of residence), persons served by two erogatori (Alto Sebino has a second one),
  persons who move to another Ambito, persons present in both years and new ones.
"""

import datetime
import random
import string
from decimal import ROUND_HALF_UP, Decimal

from .codice_fiscale import componi

ETICHETTA = "SINTETICO"
ALTO_SEBINO = "alto-sebino"
# Alto Sebino, PdZ 2021-2023, Tab. 3.2 and 3.3 (year 2020): users and hours.
SAD_ALTO_SEBINO = (81, 6384)
ADM_ALTO_SEBINO = (42, 1233)

# area: (weight, [(intervention, weight, (min, max) quantity per year, euro per unit)])
PROFILI = {
    "anziani": (30, [("D1", 5, (20, 140), "21.00"), ("E2", 3, (10, 80), "9.00"), ("H1", 2, (40, 220), "30.00"),
                     ("D4", 2, (6, 12), "15.00"), ("F1", 1, (90, 365), "35.00")]),
    "famiglia_minori": (25, [("C2", 5, (20, 60), "24.00"), ("A4", 1, (1, 1), "0"), ("C1", 3, (60, 300), "20.00"),
                             ("G3", 1, (1200, 4800), "1.00"), ("A7", 2, (4, 12), "40.00")]),
    "disabili": (18, [("C1", 3, (80, 400), "20.00"), ("H1", 3, (100, 230), "45.00"), ("E2", 2, (20, 200), "9.00"),
                      ("D1", 1, (30, 120), "21.00")]),
    "poverta_disagio_adulti": (15, [("G5", 4, (300, 2400), "1.00"), ("G4", 2, (500, 3000), "1.00"),
                                    ("C3", 2, (1, 1), "800.00"), ("A2", 2, (2, 10), "0")]),
    "immigrati_nomadi": (5, [("C4", 2, (5, 40), "28.00"), ("G5", 1, (200, 1200), "1.00")]),
    "dipendenze": (3, [("B1", 1, (1, 1), "600.00"), ("G5", 1, (200, 900), "1.00")]),
    "multiutenza": (4, [("A1", 1, (1, 4), "0"), ("A8", 1, (1, 2), "150.00")]),
}  # fmt: skip
# Ages at 2024 by area, and the share of women.
ETA = {
    "anziani": (66, 98), "famiglia_minori": (1, 17), "disabili": (5, 64), "poverta_disagio_adulti": (25, 64),
    "immigrati_nomadi": (18, 55), "dipendenze": (20, 60), "multiutenza": (18, 90),
}  # fmt: skip


class _Persona:
    __slots__ = ("cf", "sesso", "anno_nascita", "area", "comune", "ambito")


def _scegli(rng, pesati):
    return rng.choices([p[0] for p in pesati], weights=[p[1] for p in pesati])[0]


def _ripartisci(totale, n, rng):
    """`totale` in `n` positive integer parts that add up exactly (random weights, largest
    remainder)."""
    pesi = [rng.uniform(0.5, 1.5) for _ in range(n)]
    quote = [totale * p / sum(pesi) for p in pesi]
    parti = [int(q) for q in quote]
    for i in sorted(range(n), key=lambda i: quote[i] - parti[i], reverse=True)[: totale - sum(parti)]:
        parti[i] += 1
    return parti


def _codice(rng, usati, sesso, anno_nascita):
    while True:
        lettere = "".join(rng.choice(string.ascii_uppercase) for _ in range(6))
        cf = componi(
            lettere, anno_nascita % 100, rng.randint(1, 12), rng.randint(1, 28), sesso, f"Z{rng.randint(100, 399)}"
        )
        if cf not in usati:
            usati.add(cf)
            return cf


def _persona(rng, usati, ambito, comuni, area, anno):
    p = _Persona()
    p.area = area
    da, a = ETA[area]
    p.anno_nascita = anno - rng.randint(da, a)
    p.sesso = "F" if rng.random() < (0.62 if area == "anziani" else 0.5) else "M"
    p.cf = _codice(rng, usati, p.sesso, p.anno_nascita)
    p.comune = rng.choice(comuni)
    p.ambito = ambito
    return p


def _riga(erogatore, p, comune, intervento, anno, quantita, euro, rng, chiuso, codificato=False):
    inizio = datetime.date(anno, rng.randint(1, 11), rng.randint(1, 28))
    fine = datetime.date(anno, 12, 31) if not chiuso else min(inizio + datetime.timedelta(days=rng.randint(30, 300)),
                                                               datetime.date(anno, 12, 31))  # fmt: skip
    spesa = (Decimal(quantita) * Decimal(euro)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return {
        "comune_erogatore": erogatore,
        "codice_fiscale": p.cf,
        "comune_residenza": comune,
        "sesso": p.sesso if rng.random() < 0.7 else "",  # often left to the codice fiscale
        "anno_nascita": str(p.anno_nascita) if rng.random() < 0.7 else "",
        "area_utenza": p.area,
        # Some CSI rows are not coded (never those that reproduce a published figure).
        "codice_intervento": intervento if codificato or rng.random() < 0.95 else "",
        "data_inizio": inizio.isoformat(),
        "data_fine": fine.isoformat() if chiuso else "",
        "quantita": str(quantita),
        "spesa": str(spesa),
        "compartecipazione": str((spesa * Decimal("0.08")).quantize(Decimal("0.01"))) if rng.random() < 0.4 else "0",
    }


def genera(ambiti, anni=(2023, 2024), seme=2025, scala=1.0):
    """{(erogatore ISTAT code, year): [row dicts in the layout of domanda.importa]} for
    `ambiti` ({Ambito code: [ISTAT codes of its Comuni]}). Deterministic for a seed."""
    rng = random.Random(seme)
    usati = set()
    estratti = {}
    persone = {}  # Ambito -> people of the year before (most come back)
    codici = sorted(ambiti)
    for anno in anni:
        for ambito in codici:
            comuni = sorted(ambiti[ambito])
            if not comuni:
                continue
            erogatore = comuni[0]
            righe = estratti.setdefault((erogatore, anno), [])
            n = max(1, round(rng.randint(45, 80) * scala))
            restano = [p for p in persone.get(ambito, []) if rng.random() < 0.7]
            nuovi = [
                _persona(rng, usati, ambito, comuni, _scegli(rng, [(a, w) for a, (w, _) in PROFILI.items()]), anno)
                for _ in range(max(0, n - len(restano)))
            ]
            gruppo = restano + nuovi
            persone[ambito] = gruppo
            fissi = {}
            if ambito == ALTO_SEBINO:
                # Home care as the Ambito publishes it: SAD and ADM users and hours, exactly.
                for intervento, area, (utenti, ore) in (("D1", "anziani", SAD_ALTO_SEBINO),
                                                         ("C2", "famiglia_minori", ADM_ALTO_SEBINO)):  # fmt: skip
                    scelti = [p for p in gruppo if p.area == area][:utenti]
                    while len(scelti) < utenti:
                        p = _persona(rng, usati, ambito, comuni, area, anno)
                        gruppo.append(p)
                        scelti.append(p)
                    for p, q in zip(scelti, _ripartisci(ore, utenti, rng), strict=True):
                        fissi.setdefault(id(p), []).append((intervento, q, "21.00" if intervento == "D1" else "24.00"))
            for p in gruppo:
                interventi = fissi.get(id(p))
                if interventi is None:
                    altri = [(c, w) for c, w, _, _ in PROFILI[p.area][1]]
                    if ambito == ALTO_SEBINO:  # SAD and ADM come from the published figures only
                        altri = [(c, w) for c, w in altri if c not in ("D1", "C2")] or [("A2", 1)]
                    codice = _scegli(rng, altri)
                    profilo = next((x for x in PROFILI[p.area][1] if x[0] == codice), (codice, 1, (2, 10), "0"))
                    interventi = [(codice, rng.randint(*profilo[2]), profilo[3])]
                codificato = id(p) in fissi
                for codice, quantita, euro in interventi:
                    chiuso = rng.random() < 0.35
                    # A mover: the year split between two Comuni of the Ambito, two rows.
                    if len(comuni) > 1 and rng.random() < 0.04:
                        altro = rng.choice([c for c in comuni if c != p.comune])
                        meta = max(1, quantita // 2)
                        righe.append(_riga(erogatore, p, p.comune, codice, anno, meta, euro, rng, True, codificato))
                        righe.append(
                            _riga(erogatore, p, altro, codice, anno, quantita - meta, euro, rng, chiuso, codificato)
                        )
                        p.comune = altro
                    else:
                        righe.append(
                            _riga(erogatore, p, p.comune, codice, anno, quantita, euro, rng, chiuso, codificato)
                        )
                # Some people also get transport from a second erogatore (Alto Sebino's second Comune).
                if ambito == ALTO_SEBINO and len(comuni) > 1 and rng.random() < 0.1:
                    secondo = estratti.setdefault((comuni[1], anno), [])
                    secondo.append(_riga(comuni[1], p, p.comune, "E2", anno, rng.randint(5, 40), "9.00", rng, False))
            # A few move to the next Ambito and are served there too.
            prossimo = codici[(codici.index(ambito) + 1) % len(codici)]
            if prossimo != ambito and ambiti.get(prossimo):
                for p in rng.sample(gruppo, min(2, len(gruppo))):
                    altri_comuni = sorted(ambiti[prossimo])
                    righe_prossimo = estratti.setdefault((altri_comuni[0], anno), [])
                    righe_prossimo.append(
                        _riga(altri_comuni[0], p, rng.choice(altri_comuni), "A2", anno, 2, "0", rng, True)
                    )
    return estratti
