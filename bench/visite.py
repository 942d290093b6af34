"""Which pages the load benchmark visits, and the warm-up before it (no locust import here:
bench/run_load.sh runs the warm-up with plain Python)."""

import random
import sys
import time

import requests

PROXY = {"X-Forwarded-Proto": "https"}  # as the reverse proxy in front of gunicorn sends it
AMBITI_VISITATI = 50  # with the national frame: the 14 of Bergamo and a fixed sample of the others


def scegli_ambiti(base):
    ambiti = [a["codice"] for a in requests.get(f"{base}/api/ambiti", headers=PROXY, timeout=60).json()]
    reali = [a for a in ambiti if not a.startswith("amb-")]
    altri = sorted(set(ambiti) - set(reali))
    return reali + random.Random(0).sample(altri, min(len(altri), AMBITI_VISITATI - len(reali)))


def riscalda(base):
    """One visit to each Ambito profile and to the province page, before the measurement (run
    by bench/run_load.sh): the load is measured in steady state, with the computed page parts
    in the shared cache, as after the first visitors following a change of the data."""
    inizio = time.perf_counter()
    pagine = [f"/ambiti/{a}/quadro-conoscitivo/" for a in scegli_ambiti(base)] + ["/quadro-conoscitivo/"]
    for url in pagine:
        requests.get(base + url, headers=PROXY, timeout=300).raise_for_status()
    print(f"primo passaggio (cache vuota): {len(pagine)} pagine in {time.perf_counter() - inizio:.1f} s", flush=True)


if __name__ == "__main__":
    riscalda(sys.argv[1])
