from django.core.management.base import BaseCommand, CommandError

from zona.backup import BackupNonValido, ripristina_backup


class Command(BaseCommand):
    help = (
        "Ripristina il backup FILE (creato con «backup») in un database vuoto, appena creato con "
        "«migrate»; rifiuta un database che contiene già dati."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="File creato da «manage.py backup»")

    def handle(self, *args, file, **options):
        try:
            caricati = ripristina_backup(file)
        except BackupNonValido as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"Backup ripristinato da {file}: {sum(caricati.values())} righe di {len(caricati)} tabelle.")
