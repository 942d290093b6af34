from django.core.management.base import BaseCommand, CommandError

from zona.backup import BackupNonValido, crea_backup


class Command(BaseCommand):
    help = (
        "Salva tutto il database (SQLite o PostgreSQL) in FILE, in un formato che «restore» "
        "ripristina su entrambi; compresso con gzip se FILE finisce in .gz."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="File di destinazione, es. zona-2026-01-31.jsonl.gz")

    def handle(self, *args, file, **options):
        try:
            conteggi = crea_backup(file, using=options.get("database") or "default")
        except (BackupNonValido, OSError) as e:
            raise CommandError(f"Backup non riuscito: {e}") from None
        self.stdout.write(f"Backup scritto in {file}: {sum(conteggi.values())} righe di {len(conteggi)} tabelle.")
