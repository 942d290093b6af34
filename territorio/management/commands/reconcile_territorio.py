import sys

from django.core.management.base import BaseCommand

from territorio import services
from territorio.management.options import add_date_option, date_option
from territorio.selectors import riconcilia


class Command(BaseCommand):
    help = (
        "Confronta la tabella degli Ambiti del Prologo 2025-2027 con l'anagrafe: nomi non risolti "
        "(con i candidati più vicini), Comuni della provincia che nessun Ambito reclama, conteggi per "
        "Ambito. Esce con stato 0 solo se l'anagrafe è coerente."
    )

    def add_arguments(self, parser):
        add_date_option(parser)

    def handle(self, *args, **options):
        day = date_option(options)
        report = riconcilia(services.righe_prologo_2025(), services.ambiti_per_nome_fonte(), day)
        out = self.stdout.write
        out(f"Riconciliazione dell'anagrafe al {day:%d/%m/%Y} con la tabella del Prologo 2025-2027")
        out("")
        out(f"Nomi della fonte non risolti: {len(report.non_risolti)}")
        for ambito, nome, candidati in report.non_risolti:
            cand = ", ".join(f"{c.nome} ({c.codice_istat})" for c in candidati) or "nessuno"
            out(f"  - «{nome}» (Ambito {ambito}): candidati {cand}")
        out(f"Nomi della fonte risolti tramite nome alternativo: {len(report.risolti_con_alias)}")
        for ambito, nome, comune in report.risolti_con_alias:
            out(f"  - «{nome}» (Ambito {ambito}) -> {comune.nome} ({comune.codice_istat})")
        out(f"Comuni della provincia non assegnati ad alcun Ambito: {len(report.non_assegnati)}")
        for comune in report.non_assegnati:
            out(f"  - {comune.nome} ({comune.codice_istat})")
        out(f"Comuni in più di un Ambito: {len(report.in_piu_ambiti)}")
        for comune, ambiti in report.in_piu_ambiti:
            out(f"  - {comune.nome}: " + ", ".join(a.nome for a in ambiti))
        out(f"Comuni assegnati in anagrafe a un Ambito diverso dalla fonte: {len(report.fonte_diversa_da_anagrafe)}")
        for comune, fonte, ambito in report.fonte_diversa_da_anagrafe:
            out(f"  - {comune.nome}: fonte {fonte}, anagrafe {ambito.nome}")
        out("Comuni per Ambito (fonte / anagrafe):")
        for ambito, n_fonte, n_anagrafe in report.conteggi:
            segno = "" if n_fonte == n_anagrafe else "  <- diverso"
            out(f"  {str(ambito):<45} {n_fonte:>3} / {n_anagrafe:>3}{segno}")
        out("")
        if report.coerente:
            out("Esito: anagrafe coerente.")
        else:
            out("Esito: anagrafe NON coerente (vedi sopra).")
            sys.exit(1)
