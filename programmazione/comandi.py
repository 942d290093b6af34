"""How the management commands name an Ambito and a plan ("Alto Sebino", "2021-2023")."""

from django.core.management.base import CommandError

from territorio.models import Ambito
from zona.lib.text import normalizza

from .models import Piano


def trova_ambito(ambito):
    """The Ambito by code or name, accents and case ignored."""
    cercato = normalizza(ambito)
    trovati = [a for a in Ambito.objects.all() if cercato in {a.pk, normalizza(a.nome)}]
    if not trovati:
        raise CommandError(f"Ambito «{ambito}» sconosciuto: indicare il codice (es. dalmine) o il nome.")
    return trovati[0]


def trova_piano(ambito, triennio):
    """The plan of an Ambito (code or name, accents and case ignored) for "YYYY-YYYY"."""
    trovato = trova_ambito(ambito)
    try:
        inizio, fine = (int(x) for x in triennio.split("-"))
    except ValueError:
        raise CommandError(f"Triennio «{triennio}» non valido: scrivere AAAA-AAAA, es. 2018-2020.") from None
    piano = Piano.objects.filter(ambito=trovato, anno_inizio=inizio).first()
    if piano is None:
        raise CommandError(f"L'Ambito {trovato} non ha un piano per il triennio {triennio}.")
    if piano.anno_fine != fine:
        raise CommandError(f"Il piano dell'Ambito {trovato} che inizia nel {inizio} è il {piano.triennio}.")
    return piano
