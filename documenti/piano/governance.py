"""Chapter 4: the governance, the accordo di programma and the Ambito's bodies."""

from collections import Counter

from zona.lib import formato as f

from .. import tabelle as t
from ..modello import Cella, Paragrafo

FONTE_ACCORDO = "accordo di programma del piano in Zona"


def scrivi(doc, dati):
    cap = doc.capitolo("La Governance")
    doc.sezione(cap, "Accordo di programma")
    if dati.accordo is None:
        cap.blocchi.append(t.nota("L'accordo di programma del piano non è registrato in Zona."))
    else:
        cap.blocchi += _accordo(dati.accordo.accordo, dati.accordo.sottoscrittori)
    doc.sezione(cap, "Ufficio di Piano e organi dell'Ambito")
    righe, fonti = _organi(dati.capofila, dati.organi)
    if righe:
        fonte = t.FONTE_ANAGRAFE + (f"; incarichi: {'; '.join(sorted(fonti))}" if fonti else "")
        cap.blocchi.append(t.scheda(righe, fonte + f"; situazione al {f.data(dati.oggi)}"))
    else:
        cap.blocchi.append(t.nota("L'anagrafe di Zona non registra l'Ufficio di Piano né gli organi dell'Ambito."))


def _accordo(accordo, sottoscrittori):
    if accordo.firmato_il:
        frase = f"Sottoscritto il {f.data(accordo.firmato_il)}."
    else:
        frase = "La data di sottoscrizione non è registrata."
    if accordo.scadenza:
        frase += f" Scade il {f.data(accordo.scadenza)}."
    if sottoscrittori:
        frase += f" Lo sottoscrivono {len(sottoscrittori)} enti."
    else:
        frase += " Nessun sottoscrittore è registrato."
    blocchi = [Paragrafo(frase)]
    if accordo.note:
        blocchi.append(Paragrafo(f"Note: {accordo.note}"))
    if not sottoscrittori:
        return blocchi
    per_tipo = Counter(s.get_tipo_display() for s in sottoscrittori)
    blocchi.append(
        t.tabella(
            [t.testo("Tipo di ente", 3), t.numero("Sottoscrittori", 1)],
            [[tipo, str(n)] for tipo, n in per_tipo.items()],
            FONTE_ACCORDO,
            didascalia="Sottoscrittori per tipo di ente",
            totale=["Totale", str(len(sottoscrittori))],
        )
    )
    blocchi.append(
        t.tabella(
            [t.testo("Sottoscrittore", 4), t.testo("Tipo", 2), t.testo("Aderisce dal", 1.5)],
            [[s.nome, s.get_tipo_display(), f.data(s.aderito_il)] for s in sottoscrittori],
            FONTE_ACCORDO,
            didascalia="Sottoscrittori dell'accordo",
        )
    )
    return blocchi


def _organi(capofila, organi):
    """The rows of the sheet of the Ambito's bodies, and the sources of their office holders."""
    righe, fonti = [], set()
    if capofila:
        ente = capofila.ente
        righe.append(["Ente capofila", f"{ente.nome} ({ente.get_forma_giuridica_display().lower()})"])
    for voce in organi:
        organo = voce.organo
        righe.append([Cella(organo.get_tipo_display(), intestazione=True), organo.nome])
        for etichetta, valore in (
            ("Indirizzo", organo.indirizzo),
            ("Telefono", organo.telefono),
            ("Posta elettronica", organo.email),
            ("Sito web", organo.sito_web),
        ):
            if valore:
                righe.append([etichetta, valore])
        for i in voce.incarichi:
            dettaglio = ", ".join(x for x in (i.qualifica, i.comune.nome if i.comune else "") if x)
            righe.append([i.get_ruolo_display(), i.persona.nome + (f" ({dettaglio})" if dettaglio else "")])
            if i.fonte:
                fonti.add(i.fonte)
    return righe, fonti
