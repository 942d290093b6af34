import datetime
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from documenti import services
from documenti.provinciale import relazione_provinciale
from programmazione.comandi import trova_piano
from programmazione.selectors import piani_del_triennio


def _anni(triennio):
    try:
        inizio, fine = (int(x) for x in triennio.split("-"))
    except ValueError:
        raise CommandError(f"Triennio «{triennio}» non valido: scrivere AAAA-AAAA, es. 2021-2023.") from None
    if inizio not in services.ANNI or fine < inizio:
        raise CommandError(f"Triennio «{triennio}» non valido: scrivere AAAA-AAAA, es. 2021-2023.")
    return inizio, fine


class Command(BaseCommand):
    help = (
        "Genera dai dati il documento del Piano di Zona di uno o più Ambiti (PDF o DOCX), la relazione "
        "di monitoraggio o la relazione provinciale del triennio."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ambito", action="append", default=[], help="Codice o nome dell'Ambito; ripetibile.")
        parser.add_argument(
            "--tutti", action="store_true", help="Tutti gli Ambiti che hanno un piano che inizia nel triennio."
        )
        parser.add_argument("--triennio", required=True, help="Triennio del piano, es. 2021-2023.")
        parser.add_argument("--formato", choices=sorted(services.FORMATI), default="pdf")
        parser.add_argument(
            "--documento",
            choices=["piano", "monitoraggio", "provinciale"],
            default="piano",
            help="Il Piano di Zona (predefinito), la relazione semestrale di monitoraggio o la relazione provinciale.",
        )
        parser.add_argument(
            "--output",
            required=True,
            help="File da scrivere; con più Ambiti o --tutti, la cartella in cui scrivere un file per Ambito.",
        )
        parser.add_argument("--data", help="Data di riferimento AAAA-MM-GG (scadenze, semestre); predefinita oggi.")

    def handle(self, *args, ambito, tutti, triennio, formato, documento, output, data, **options):
        oggi = self._data(data)
        inizio, _ = _anni(triennio)
        destinazione = Path(output)
        if documento == "provinciale":
            if ambito or tutti:
                raise CommandError(
                    "La relazione provinciale riguarda tutti gli Ambiti: non indicare --ambito né --tutti."
                )
            # The command runs with the operator's full access, as the provincial coordination.
            operatore = get_user_model()(username="genera_documento", is_superuser=True)
            self._scrivi(
                lambda: services.rendi(relazione_provinciale(inizio, operatore, oggi), formato),
                destinazione,
                formato,
            )
            return
        if tutti and ambito:
            raise CommandError("Indicare --ambito oppure --tutti, non entrambi.")
        if tutti:
            piani = list(piani_del_triennio(inizio))
            if not piani:
                raise CommandError(f"Nessun Ambito ha un piano che inizia nel {inizio}.")
        elif ambito:
            piani = [trova_piano(a, triennio) for a in ambito]
        else:
            raise CommandError("Indicare l'Ambito (--ambito, ripetibile) oppure --tutti.")
        if len(piani) > 1 or tutti:
            if destinazione.exists() and not destinazione.is_dir():
                raise CommandError(f"Con più Ambiti --output deve essere una cartella: «{output}» è un file.")
            destinazione.mkdir(parents=True, exist_ok=True)
        for piano in piani:

            def genera(piano=piano):
                return services.rendi(services.documento_di(piano, documento, oggi), formato)

            self._scrivi(genera, destinazione, formato, piano)

    def _data(self, data):
        if not data:
            return datetime.date.today()
        try:
            return datetime.date.fromisoformat(data)
        except ValueError:
            raise CommandError(f"Data «{data}» non valida: scrivere AAAA-MM-GG.") from None

    def _scrivi(self, genera, destinazione, formato, piano=None):
        if not destinazione.is_dir() and not destinazione.parent.is_dir():
            raise CommandError(f"La cartella «{destinazione.parent}» non esiste.")
        inizio = time.perf_counter()
        file = genera()
        percorso = destinazione / file.nome if destinazione.is_dir() else destinazione
        percorso.write_bytes(file.contenuto)
        chi = f" ({piano.ambito.nome} {piano.triennio})" if piano else ""
        self.stdout.write(
            f"Scritto {percorso}{chi}: {len(file.contenuto) // 1024} KB in {time.perf_counter() - inizio:.1f} s"
        )
