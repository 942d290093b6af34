"""Chapter 1: the premessa and the Ambito territoriale."""

from zona.lib import formato as f

from .. import tabelle as t
from ..modello import Paragrafo


def scrivi(doc, dati):
    piano, ambito, terr = dati.piano, dati.ambito, dati.territorio
    cap = doc.capitolo("Premessa")
    premessa = f.pulisci(piano.premessa).strip()
    if premessa:
        cap.blocchi += [Paragrafo(p.strip()) for p in premessa.split("\n\n") if p.strip()]
    else:
        cap.blocchi.append(t.nota("Il piano non ha una premessa registrata in Zona."))
    if piano.titolo:
        cap.blocchi.append(Paragrafo(f"Titolo del piano: {piano.titolo}."))
    doc.sezione(cap, "L'Ambito territoriale")
    if terr.comuni:
        nomi = ", ".join(c.nome for c in terr.comuni)
        cap.blocchi.append(
            Paragrafo(
                f"Al {f.data(terr.giorno)} l'Ambito territoriale {ambito.nome} comprende "
                f"{len(terr.comuni)} Comuni: {nomi}."
            )
        )
    else:
        cap.blocchi.append(t.nota(f"L'anagrafe di Zona non registra i Comuni dell'Ambito {ambito.nome}."))
    if terr.distretto:
        d = terr.distretto
        cap.blocchi.append(Paragrafo(f"Appartiene al {t.distretto(d)} dell'{d.asst.nome} ({d.asst.ats.nome})."))
    if terr.capofila:
        e = terr.capofila.ente
        cap.blocchi.append(Paragrafo(f"Ente capofila: {e.nome} ({e.get_forma_giuridica_display().lower()})."))
    cap.blocchi.append(Paragrafo(f"Stato del piano: {t.stato_piano(piano)}."))
    cap.blocchi.append(t.nota(f"Fonte: {t.FONTE_ANAGRAFE}" + (f"; piano: {piano.fonte}." if piano.fonte else ".")))
