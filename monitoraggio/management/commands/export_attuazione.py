from django.core.management.base import BaseCommand, CommandError

from monitoraggio.selectors import attuazione
from programmazione.models import Piano
from territorio.models import Ambito
from zona.lib.downloads import scrivi_csv
from zona.lib.text import normalizza


def trova_piano(ambito, triennio):
    """The plan of an Ambito (code or name, accents and case ignored) for "YYYY-YYYY"."""
    cercato = normalizza(ambito)
    trovati = [a for a in Ambito.objects.all() if cercato in {a.pk, normalizza(a.nome)}]
    if not trovati:
        raise CommandError(f"Ambito «{ambito}» sconosciuto: indicare il codice (es. dalmine) o il nome.")
    try:
        inizio, fine = (int(x) for x in triennio.split("-"))
    except ValueError:
        raise CommandError(f"Triennio «{triennio}» non valido: scrivere AAAA-AAAA, es. 2018-2020.") from None
    piano = Piano.objects.filter(ambito=trovati[0], anno_inizio=inizio).first()
    if piano is None:
        raise CommandError(f"L'Ambito {trovati[0]} non ha un piano per il triennio {triennio}.")
    if piano.anno_fine != fine:
        raise CommandError(f"Il piano dell'Ambito {trovati[0]} che inizia nel {inizio} è il {piano.triennio}.")
    return piano


class Command(BaseCommand):
    help = (
        "Stato di attuazione degli obiettivi di un piano: CSV su stdout con intestazione "
        "area,stato,numero,percentuale (una riga per area e stato, poi le righe TOTALE)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ambito", required=True, help="Codice o nome dell'Ambito.")
        parser.add_argument("--triennio", required=True, help="Triennio del piano, es. 2018-2020.")

    def handle(self, *args, ambito, triennio, **options):
        risultato = attuazione(trova_piano(ambito, triennio))
        righe = [[r.area, r.stato, r.numero, r.percentuale] for r in risultato.righe]
        scrivi_csv(self.stdout, ["area", "stato", "numero", "percentuale"], righe)
        for v in risultato.verifiche:
            self.stderr.write(f"Attenzione: {v}")
