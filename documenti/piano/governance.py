"""Chapter 4: the governance: the accordo di programma (signatories and adherents with their
dates), the co-programming (participants, meetings held, outcomes and the objectives they
produced), the Assemblea dei Sindaci's sittings and delibere, the co-design agreements, the
Ambito's bodies. The data come from coprogrammazione.selectors.governance_del_piano."""

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
    gov = dati.governance
    doc.sezione(cap, "La co-programmazione con il terzo settore")
    cap.blocchi += _coprogrammazione(gov)
    doc.sezione(cap, "L'Assemblea dei Sindaci")
    cap.blocchi += _assemblea(gov.sedute)
    if gov.coprogettazioni:
        doc.sezione(cap, "Co-progettazione e accordi con i partner")
        cap.blocchi.append(_coprogettazioni(gov.coprogettazioni))
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
            [
                t.testo("Sottoscrittore", 4),
                t.testo("Tipo", 2),
                t.testo("Modalità", 1.5),
                t.testo("Sottoscrive o aderisce il", 1.5),
                t.testo("Recede il", 1.3),
            ],
            [
                [s.nome, s.get_tipo_display(), s.get_modalita_display(), f.data(s.aderito_il), f.data(s.ritirato_il)]
                for s in sottoscrittori
            ],
            FONTE_ACCORDO,
            didascalia="Sottoscrittori e aderenti dell'accordo",
        )
    )
    return blocchi


FONTE_COPROGRAMMAZIONE = "co-programmazione del piano registrata in Zona"
FONTE_ASSEMBLEA = "sedute dell'Assemblea dei Sindaci registrate in Zona"


def _coprogrammazione(gov):
    if not (gov.avvisi or gov.partecipanti or gov.incontri or gov.esiti):
        return [t.nota("La co-programmazione del piano non è registrata in Zona.")]
    blocchi = []
    for a in gov.avvisi:
        frase = f"Avviso «{a.titolo}»"
        if a.atto:
            frase += f" ({a.atto})"
        if a.pubblicato_il:
            frase += f", pubblicato il {f.data(a.pubblicato_il)}"
        if a.scadenza:
            frase += f", con scadenza il {f.data(a.scadenza)}"
        frase += f". Manifestazioni di interesse registrate: {a.manifestazioni}, accolte: {a.accolte}."
        if a.aree:
            frase += " Aree: " + "; ".join(a.aree) + "."
        blocchi.append(Paragrafo(frase))
    if gov.partecipanti:
        blocchi.append(
            t.tabella(
                [t.testo("Ente", 4), t.testo("Tipo", 2), t.testo("Tavoli", 4)],
                [[p.nome, p.tipo, "; ".join(p.tavoli)] for p in gov.partecipanti],
                FONTE_COPROGRAMMAZIONE,
                didascalia=f"Enti partecipanti ai tavoli ({len(gov.partecipanti)})",
            )
        )
    if gov.incontri:
        blocchi.append(
            t.tabella(
                [t.testo("Data", 1.2), t.testo("Tavolo", 4), t.testo("Luogo", 2), t.numero("Enti presenti", 1)],
                [[f.data(i.data), i.tavolo, i.dove or "—", str(i.enti_presenti)] for i in gov.incontri],
                FONTE_COPROGRAMMAZIONE,
                didascalia=f"Incontri svolti ({len(gov.incontri)})",
            )
        )
    if gov.esiti:
        blocchi.append(
            t.tabella(
                [t.testo("Tavolo", 2.5), t.testo("Bisogno o proposta", 5), t.testo("Obiettivi del piano", 3)],
                [
                    [e.tavolo, f"{e.tipo}: {e.testo}", "; ".join(e.obiettivi) or "nessun obiettivo collegato"]
                    for e in gov.esiti
                ],
                FONTE_COPROGRAMMAZIONE,
                didascalia="Esiti dei tavoli e obiettivi che ne sono nati",
            )
        )
    return blocchi


def _assemblea(sedute):
    if not sedute:
        return [t.nota("Nessuna seduta dell'Assemblea dei Sindaci sul piano è registrata in Zona.")]
    righe = []
    for s in sedute:
        presenze = f"{s.comuni_presenti} presenti, {s.comuni_assenti} assenti" if s.comuni_presenti else "—"
        delibere = "; ".join(
            f"n. {d.numero or 's.n.'} del {f.data(d.data)}: {d.oggetto}" + (" (questo piano)" if d.del_piano else "")
            for d in s.delibere
        )
        righe.append([f.data(s.data), s.luogo or "—", presenze, delibere or "—"])
    return [
        t.tabella(
            [t.testo("Seduta", 1.2), t.testo("Luogo", 2), t.testo("Comuni", 2), t.testo("Delibere", 5)],
            righe,
            FONTE_ASSEMBLEA,
            didascalia="Sedute dell'Assemblea dei Sindaci",
        )
    ]


def _coprogettazioni(elenco):
    return t.tabella(
        [
            t.testo("Obiettivo", 3),
            t.testo("Co-progettazione", 3),
            t.testo("Partner", 3),
            t.numero("Budget (€)", 1.3),
            t.testo("Accordo", 2.5),
        ],
        [
            [
                c.obiettivo,
                c.titolo,
                "; ".join(c.partner) or "—",
                f.numero(c.budget, 2),
                f"{c.strumento}, sottoscritto il {f.data(c.firmato_il)}"
                + (f", dal {f.data(c.dal)}" if c.dal else "")
                + (f" al {f.data(c.al)}" if c.al else "")
                if c.firmato_il
                else "non ancora sottoscritto",
            ]
            for c in elenco
        ],
        FONTE_COPROGRAMMAZIONE,
        didascalia="Co-progettazioni (art. 55-56 del Codice del Terzo Settore)",
    )


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
