import csv
import datetime

from django.core.management.base import BaseCommand, CommandError

from territorio.selectors import COLONNE_EXPORT, righe_export


class Command(BaseCommand):
    help = "Esporta in CSV (stdout) i Comuni della provincia con Ambito, Distretto, ASST e ATS a una data."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Data di riferimento AAAA-MM-GG (predefinita: oggi).")

    def handle(self, *args, **options):
        try:
            day = datetime.date.fromisoformat(options["date"]) if options["date"] else datetime.date.today()
        except ValueError:
            raise CommandError(f"Data non valida: «{options['date']}». Usare il formato AAAA-MM-GG.") from None
        writer = csv.DictWriter(self.stdout, fieldnames=COLONNE_EXPORT, lineterminator="\n")
        writer.writeheader()
        writer.writerows(righe_export(day))
