from django.core.management.base import BaseCommand, CommandError

from domanda import services
from zona.lib import valori
from zona.lib.downloads import scrivi_csv


class Command(BaseCommand):
    help = (
        "Domanda sociale di un anno a un livello del territorio: CSV su stdout "
        "livello,codice_territorio,territorio,anno,area_utenza,codice_intervento,utenti,interventi,spesa. "
        "codice_intervento vuoto = tutti gli interventi dell'area; area_utenza TOTALE = tutte le aree. "
        "Utenti da 1 a 4 scritti «<5», e «n.d.» dove servono a non ricavarli per differenza, salvo "
        "--senza-oscuramento (solo per il coordinamento)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--livello", required=True, choices=["comune", "ambito", "distretto", "asst", "ats"])
        parser.add_argument("--anno", required=True, help="Anno, es. 2024.")
        parser.add_argument(
            "--senza-oscuramento",
            action="store_true",
            help="Conteggi non oscurati: riservati al coordinamento provinciale (la visione è registrata).",
        )

    def handle(self, *args, livello, anno, senza_oscuramento=False, **options):
        try:
            anno = valori.anno(anno, minimo=1990, massimo=2100)
        except valori.ValoreNonValido as e:
            raise CommandError(str(e)) from None
        if senza_oscuramento:
            self.stderr.write(
                "Attenzione: dati NON oscurati, riservati al coordinamento provinciale; non pubblicarli. "
                "La visione è registrata."
            )
            services.registra_visione(None, f"export_domanda --livello {livello} --anno {anno} --senza-oscuramento")
        righe = services.tabella_export(livello, anno, oscurata=not senza_oscuramento)
        scrivi_csv(self.stdout, services.COLONNE_EXPORT, righe)
