"""Which Comuni a figure of a territory counts: the one rule of territorio.selectors
(comuni_del_territorio) on 1 January of the figure's year, and which of them have base data
of that year (a figure of a year without Comune data is the territory's own, from a document)."""

import datetime
from dataclasses import dataclass

from territorio import selectors as territorio

from .models import Livello, Osservazione, ValorePubblicato


@dataclass
class FiguraContata:
    anno: int
    contati: territorio.ComuniContati
    con_dati: set  # codes of the Comuni (or of the predecessors) with base data of the year
    dati_propri: bool  # data loaded for the territory itself in that year (an Ambito's plan)
    stampati: bool  # values a document prints for the territory as a whole in that year («pubbl.»)

    @property
    def senza_dati(self):
        return [c for c in self.contati.comuni if c.comune.pk not in self.con_dati]


def giorno_della_cifra(anno):
    """The day a figure of `anno` counts its Comuni on: 1 January, as `calcola` does."""
    return datetime.date(anno, 1, 1)


def figura_contata(livello, codice, anno):
    """FiguraContata of a territory in `anno`, or None for a territory Zona does not know."""
    contati = territorio.comuni_contati(livello, codice, giorno_della_cifra(anno))
    if contati is None:
        return None
    codici = [c.comune.pk for c in contati.comuni] + [v.precedente_id for v in contati.precedenti]
    con_dati = set(
        Osservazione.objects.attive()
        .filter(livello=Livello.COMUNE, anno=anno, comune_id__in=codici)
        .values_list("comune_id", flat=True)
        .distinct()
    )
    dati_propri = (
        livello != Livello.COMUNE
        and Osservazione.objects.attive().filter(livello=livello, codice_territorio=codice, anno=anno).exists()
    )
    stampati = ValorePubblicato.objects.filter(
        attiva=True, livello=livello, codice_territorio=codice, anno=anno
    ).exists()
    return FiguraContata(anno, contati, con_dati, dati_propri, stampati)
