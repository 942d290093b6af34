"""Chapter: the plan beside the Ambito's previous one (monitoraggio.ConfrontoTrienni): objectives
continued, dropped and new, resources per policy area, status of attuazione at the end."""

from monitoraggio.selectors import ETICHETTE_STATI, ORDINE_STATI
from zona.lib import formato as f

from .. import tabelle as t
from ..modello import Elenco, Paragrafo


def scrivi(doc, dati):
    c = dati.confronto_trienni
    if c is None:
        return  # the chapter on the previous triennio already says there is none
    prima, dopo = c.precedente.triennio, c.piano.triennio
    cap = doc.capitolo(f"Il {prima} e il {dopo} a confronto")
    cap.blocchi.append(
        Paragrafo(
            f"Dei {c.obiettivi_prima} obiettivi del {prima}, {len(c.continuati)} continuano in obiettivi del "
            f"{dopo} collegati, {len(c.riproposti_senza_collegamento)} sono da riproporre secondo la loro "
            f"valutazione ma nessun obiettivo li riprende esplicitamente, {len(c.abbandonati)} sono "
            f"abbandonati. Dei {c.obiettivi_dopo} obiettivi del {dopo}, {len(c.in_continuita_senza_precedente)} "
            f"si dichiarano in continuità senza indicare il precedente e {len(c.nuovi)} sono nuovi."
        )
    )
    doc.sezione(cap, "Obiettivi continuati, abbandonati e nuovi")
    if c.continuati:
        cap.blocchi.append(
            t.tabella(
                [t.testo(f"Obiettivo del {prima}", 4), t.testo(f"Continua nel {dopo}", 4)],
                [
                    [f"{o.codice} – {o.titolo}", "; ".join(f"{n.codice} – {n.titolo}" for n in nuovi)]
                    for o, nuovi in c.continuati
                ],
                "collegamento di ogni obiettivo al suo precedente registrato in Zona",
            )
        )
    if c.abbandonati:
        cap.blocchi.append(Paragrafo(f"Obiettivi del {prima} abbandonati:"))
        cap.blocchi.append(Elenco([f"{o.codice} – {o.titolo}" for o in c.abbandonati]))
    if c.nuovi:
        cap.blocchi.append(Paragrafo(f"Obiettivi nuovi del {dopo}:"))
        cap.blocchi.append(Elenco([f"{o.codice} – {o.titolo}" for o in c.nuovi]))
    doc.sezione(cap, "Risorse per area di policy")
    cap.blocchi.append(
        t.tabella(
            [t.testo("Area", 3)]
            + [t.numero(f"Obiettivi {prima}", 1), t.numero(f"Preventivati {prima} (€)", 1.6)]
            + [t.numero(f"Obiettivi {dopo}", 1), t.numero(f"Preventivati {dopo} (€)", 1.6)]
            + [t.numero(f"Risorse per fondo {dopo} (€)", 1.6)],
            [
                [str(a.area) if a.area else "Azioni di sistema"]
                + [str(a.obiettivi_prima), f.numero(a.preventivati_prima, 2)]
                + [str(a.obiettivi_dopo), f.numero(a.preventivati_dopo, 2), f.numero(a.risorse_dopo, 2)]
                for a in c.aree
            ],
            "obiettivi dei due piani in Zona; importi preventivati nelle schede riportati al triennio",
            totale=["Totale", str(c.obiettivi_prima), f.numero(c.preventivati_prima, 2)]
            + [str(c.obiettivi_dopo), f.numero(c.preventivati_dopo, 2), f.numero(c.risorse_dopo, 2)],
        )
    )
    doc.sezione(cap, "Stato di attuazione alla fine")
    cap.blocchi.append(
        t.tabella(
            [t.testo("Piano", 1.6)]
            + [t.numero(ETICHETTE_STATI[s], 1.2) for s in ORDINE_STATI]
            + [t.numero("Totale", 1)],
            [[triennio] + [str(n) for n in per_stato] + [str(totale)] for triennio, per_stato, totale in c.righe_stato],
            "stato di attuazione degli obiettivi (o conteggi dichiarati dalle fonti dove mancano)",
        )
    )
