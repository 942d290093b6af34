"""Chapter 8: the dates of the plan and the calendar of its monitoring."""

from zona.lib import formato as f

from .. import tabelle as t


def scrivi(doc, dati):
    piano = dati.piano
    cap = doc.capitolo("Tempi e modalità del monitoraggio")
    doc.sezione(cap, "Le date del piano")
    date = [
        ("Approvazione dell'Assemblea dei Sindaci", piano.approvato_il, piano.delibera),
        ("Sottoscrizione dell'accordo di programma", piano.accordo_firmato_il, ""),
        ("Entrata in vigore", piano.in_vigore_dal, ""),
        ("Chiusura", piano.chiuso_il, ""),
    ]
    date = [(c, d, n) for c, d, n in date if d]
    if date:
        cap.blocchi.append(
            t.tabella(
                [t.testo("Passaggio", 3), t.testo("Data", 1.2), t.testo("Atto", 4)],
                [[c, f.data(d), n or f.VUOTO] for c, d, n in date],
                "iter del piano in Zona",
            )
        )
    else:
        cap.blocchi.append(t.nota("Nessun passaggio dell'iter del piano è ancora registrato: il piano è in bozza."))
    doc.sezione(cap, "Calendario del monitoraggio")
    if not dati.scadenze:
        cap.blocchi.append(t.calendario_in_bozza())
        return
    cap.blocchi.append(t.tabella_scadenze(dati.scadenze, f"Scadenze del piano, situazione al {f.data(dati.oggi)}"))
