from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.services import DEMO_PASSWORD, crea_utenti_demo
from conoscenza.demo import carica_demo
from coprogrammazione.demo import carica_demo as carica_coprogrammazione
from coprogrammazione.demo import collega_componente_demo
from domanda.demo import carica_demo as carica_domanda
from fondi.demo import carica_demo as carica_fondi
from monitoraggio.demo import carica_demo as carica_monitoraggio
from offerta.demo import carica_demo as carica_offerta
from programmazione.demo import carica_demo as carica_piani
from territorio.demo import DemoNonCaricata
from territorio.demo import carica_demo as carica_territorio


class Command(BaseCommand):
    """In the project package because it loads every app's demo module, lowest app first; no
    app imports the apps above it (zona/tests/test_architettura.py). Loads the reference data
    first (carica_riferimenti), which the demo's plans and data assume."""

    help = "Carica (in modo idempotente) i dati demo della provincia di Bergamo."

    def add_arguments(self, parser):
        parser.add_argument("--senza-utenti", action="store_true", help="Non creare gli utenti demo.")

    def handle(self, *args, **options):
        call_command("carica_riferimenti", stdout=self.stdout)
        try:
            comuni, appartenenze = carica_territorio()
        except DemoNonCaricata as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"Comuni dall'elenco ISTAT (provincia di Bergamo): {comuni}")
        self.stdout.write(f"Appartenenze Comune-Ambito dal Prologo 2025-2027: {appartenenze}")
        self.stdout.write("Organi di governo e incarichi caricati.")
        caricamenti = carica_demo()
        self.stdout.write(
            f"Base di conoscenza: {len(caricamenti)} file di dati caricati "
            "(popolazione ISTAT 2022-2023 per età e sesso, superfici, dati delle fonti)."
        )
        estratti, episodi = carica_domanda()
        if estratti:
            self.stdout.write(
                f"Domanda sociale: {estratti} estratti CSI SINTETICI (2023-2024, 14 Ambiti), {episodi} righe; "
                "SAD e ADM di Alto Sebino come nel suo Piano di Zona 2021-2023 (Tab. 3.2-3.3)."
            )
        unita = carica_offerta()
        self.stdout.write(
            f"Offerta: {unita} unità d'offerta (posti della Tabella 3.1 di Alto Sebino; nomi e Comuni illustrativi); "
            "nessun dato dei LEPS nelle fonti."
        )
        piani, prologo = carica_piani()
        self.stdout.write(
            "Programmazione: " + ", ".join(str(p) for p in piani) + (f", {prologo}" if prologo else "") + "."
        )
        fondi, movimenti = carica_fondi()
        self.stdout.write(
            f"Fondi: catalogo di {fondi} fondi; {movimenti} movimenti del registro 2025 di Alto Sebino e Dalmine "
            "(illustrativi, tranne le quote FNPS del Prologo 2025-2027)."
        )
        if carica_coprogrammazione():
            self.stdout.write(
                "Co-programmazione: avviso 2021, tavoli e road-map settembre-novembre 2021 di Alto Sebino, "
                "priorità collegate agli obiettivi 2021-2023, seduta dell'Assemblea del 15.12.2021."
            )
        valutati, dalmine_2018, misure = carica_monitoraggio()
        self.stdout.write(
            f"Monitoraggio: {valutati} schede di valutazione (Tabella 2) di Alto Sebino 2018-2020, "
            f"esito di Dalmine 2018-2020, {misure} misurazioni della scheda progetto Dalmine 2024."
        )
        if not options["senza_utenti"]:
            self.stdout.write(f"Utenti demo (password per tutti: {DEMO_PASSWORD}):")
            for username, descrizione in crea_utenti_demo():
                self.stdout.write(f"  {username:<16} {descrizione}")
            collega_componente_demo()
