"""Load of people browsing Zona: Ambito profiles, plans, the province pages and the API.

Run by bench/run_load.sh (50 users, 60 s, against 127.0.0.1 only). Every user is anonymous,
as the public and the Comuni mostly are; the requests carry X-Forwarded-Proto as the reverse
proxy in front of gunicorn would, so the production settings serve them without redirect.
"""

import random

import requests
from locust import HttpUser, between, events, task
from visite import PROXY, scegli_ambiti

AMBITI = []
PIANI = []
OBIETTIVI = []


@events.test_start.add_listener
def elenchi(environment, **kwargs):
    """The codes and ids to visit, read once before the users start (not measured)."""
    base = environment.host
    AMBITI.extend(scegli_ambiti(base))
    PIANI.extend(p["id"] for p in requests.get(f"{base}/api/piani", headers=PROXY, timeout=60).json())
    for p in PIANI:
        OBIETTIVI.extend(
            o["id"] for o in requests.get(f"{base}/api/piani/{p}/obiettivi", headers=PROXY, timeout=60).json()
        )


class Visitatore(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.client.headers.update(PROXY)

    @task(3)
    def profilo_ambito(self):
        self.client.get(
            f"/ambiti/{random.choice(AMBITI)}/quadro-conoscitivo/", name="/ambiti/[codice]/quadro-conoscitivo/"
        )

    @task(2)
    def ambito(self):
        self.client.get(f"/ambiti/{random.choice(AMBITI)}/", name="/ambiti/[codice]/")

    @task(2)
    def piano(self):
        self.client.get(f"/piani/{random.choice(PIANI)}/", name="/piani/[id]/")

    @task(1)
    def sinottica(self):
        self.client.get(f"/piani/{random.choice(PIANI)}/sinottica/", name="/piani/[id]/sinottica/")

    @task(1)
    def monitoraggio(self):
        self.client.get(f"/piani/{random.choice(PIANI)}/monitoraggio/", name="/piani/[id]/monitoraggio/")

    @task(2)
    def obiettivo(self):
        self.client.get(f"/obiettivi/{random.choice(OBIETTIVI)}/", name="/obiettivi/[id]/")

    @task(1)
    def provincia(self):
        self.client.get("/", name="/")

    @task(1)
    def quadro_provinciale(self):
        self.client.get("/quadro-conoscitivo/", name="/quadro-conoscitivo/")

    @task(1)
    def confronto(self):
        self.client.get("/piani/confronto/", name="/piani/confronto/")

    @task(2)
    def api_piano(self):
        self.client.get(f"/api/piani/{random.choice(PIANI)}/obiettivi", name="/api/piani/[id]/obiettivi")

    @task(2)
    def api_indicatori(self):
        self.client.get(
            f"/api/indicatori/valori?livello=ambito&territorio={random.choice(AMBITI)}&anno=2023",
            name="/api/indicatori/valori",
        )

    @task(1)
    def api_ambiti(self):
        self.client.get("/api/ambiti", name="/api/ambiti")
