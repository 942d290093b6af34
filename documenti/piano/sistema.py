"""Chapter 7: the information system, what Zona holds about the plan and the Ambito."""

import datetime

from zona.lib import formato as f

from .. import tabelle as t
from ..modello import Paragrafo


def scrivi(doc, dati):
    cap = doc.capitolo("Il Sistema informativo a supporto della programmazione")
    c = dati.consistenza
    conteggi = [
        ("Obiettivi", len(dati.schede)),
        ("Indicatori degli obiettivi", c.indicatori),
        ("di cui misurati dalla base di conoscenza", c.indicatori_della_base),
        ("Valori attesi (target)", c.target),
        ("Misurazioni registrate", c.misurazioni),
        ("di cui calcolate dalla base di conoscenza", c.misurazioni_calcolate),
        ("Impegni di spesa registrati", c.impegni),
        ("Schede di valutazione (Tabella 2)", c.valutazioni),
        ("Dati di base caricati al livello dell'Ambito", c.osservazioni),
        ("Misure con dati al livello dell'Ambito", c.misure),
    ]
    cap.blocchi.append(
        Paragrafo(
            "Questo documento è generato da Zona, il sistema informativo dei Piani di Zona, dai dati che vi sono "
            "registrati. La tabella riassume quali dati del piano e dell'Ambito il sistema contiene."
        )
    )
    cap.blocchi.append(
        t.tabella(
            [t.testo("Dato", 4), t.numero("Numero", 1)],
            [[voce, str(n)] for voce, n in conteggi],
            f"Zona, al {f.data(datetime.date.today())}",
        )
    )
