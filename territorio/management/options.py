import datetime

from django.core.management.base import CommandError


def add_date_option(parser):
    parser.add_argument("--date", help="Data di riferimento AAAA-MM-GG (predefinita: oggi).")


def date_option(options):
    if not options["date"]:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(options["date"])
    except ValueError:
        raise CommandError(f"Data non valida: «{options['date']}». Usare il formato AAAA-MM-GG.") from None
