"""Demo co-programming of the Alto Sebino plan 2021-2023, from the seed (chapters 7.2-7.3).

What the seed says, and so what the demo holds:
- the notice approved by the Assemblea dei Sindaci in June 2021 (the day is not given) with its
  three macro-areas and their themes (lines 3404-3427);
- the road-map of September-November 2021 (lines 3466-3660): every meeting with its day and
  part of the day, grouped into the tables it names (areas, focus groups, the housing
  laboratory, the school heads' table, the three plenary restitutions). The extracted text
  lost the table's columns: the weekday of each entry is read from the empty cells before it;
- the participants it names: the Comuni (the members of the Assemblea took part in the working
  groups, lines 3660-3661), ATS and ASST (lines 3429-3430). The list of the more than 30
  third-sector organisations is the plan's Allegato D, which is not among the seeds: no
  organisation or person is invented in its place. The text does not say which tables ATS and
  ASST sat at: they are recorded as members of the three area tables, and the table says so;
- the nine priorities of 7.3 (lines 3664-3699), each linked to the 2021-2023 objectives that
  answer it. The plan presents them as the outcome of all the working groups together: the
  table each is recorded at and the objectives it is linked to are Zona's reading of their
  content, written in the outcome's source;
- the sitting of the Assemblea dei Sindaci of 15.12.2021 that approved the plan (line 86; the
  number of the delibera and the attendance are not given).
The loading is idempotent: a plan that already has a notice is left as it is.
"""

import datetime

from django.db import transaction

from programmazione.models import MacroArea, Obiettivo, Piano
from territorio.models import AppartenenzaComune

from . import services
from .models import (
    Avviso,
    Componente,
    Organizzazione,
    Presenza,
    Seduta,
    TipoEsito,
    TipoOrganizzazione,
)

SEED = "Piano di Zona 2021-2023 dell'Ambito Alto Sebino"

AREE = [
    (
        "Contrasto alla povertà - Politiche abitative – Promozione inclusione attiva - Interventi connessi alle "
        "politiche del lavoro",
        "working poors e lavoratori precari, interventi connessi alle politiche per il lavoro, contrasto alle "
        "difficoltà socioeconomiche dei giovani e loro inserimento nel mondo del lavoro, NEET, misure di contrasto "
        "alla povertà e all'emarginazione sociale, vulnerabilità multidimensionale, nuova utenza rispetto al passato, "
        "famiglie monoreddito, qualità dell'abitare, nuovi strumenti di governance, bisogni abitativi, facilitare "
        "l'accesso alle opportunità di benessere e partecipazione attiva",
        "poverta-abitare-lavoro",
    ),
    (
        "Domiciliarità – anziani - non autosufficienza – disabilità – integrazione sociosanitaria",
        "flessibilità degli strumenti, tempestività della risposta, allargamento del servizio a nuovi soggetti, "
        "ampliamento dei supporti forniti all'utenza, rafforzamento degli strumenti di long term care, accesso ai "
        "servizi, ruolo delle famiglie e del caregiver, sviluppo azioni LR 15/2015, filiera integrata che accompagni "
        "la persona nel percorso di vita fino al Dopo di Noi, assistenza educativa specialistica per l'autonomia in "
        "ambito scolastico",
        "domiciliarita",
    ),
    (
        "Politiche per l'infanzia, giovanili e per i minori – Interventi per le famiglie",
        "contrasto e prevenzione della povertà educativa, contrasto e prevenzione della dispersione scolastica, "
        "rafforzamento delle reti sociali, prevenzione e contenimento del disagio sociale e del suo impatto sulla "
        "salute, conciliazione tempi di cura e lavoro, sistema integrato 0/6 anni, servizi interculturali in ambito "
        "scolastico, riflessioni circa il ruolo del caregiver femminile familiare nel nostro territorio, sostegno "
        "alla genitorialità secondo le specificità del contesto familiare, favorire la coesione sociale del "
        "territorio e un welfare generativo, contrasto e prevenzione della violenza domestica, tutela minori",
        "infanzia-minori-famiglia",
    ),
]

ODG = (
    "la restituzione degli esiti del Piano di Zona 2018-2020 e la lettura del contesto territoriale; "
    "la condivisione di dati, informazioni ed esperienze locali utili all'analisi del bisogno; "
    "la raccolta di riflessioni e proposte, anche progettuali, per la programmazione 2021-2023"
)
ODG_PLENARIA = "Restituzione in plenaria: esiti e nuovi obiettivi"

# (table, area of the notice 1-3 or None, whether ATS, ASST and the Comuni are recorded as members,
#  [(day, part of the day, label in the road-map)])
TAVOLI = [
    (
        "Area Non autosufficienza e disabilità",
        2,
        True,
        [
            (
                datetime.date(2021, 10, 4),
                "pomeriggio",
                "Area Non autosufficienza e disabilità (Stakeholder ETS – Associazioni)",
            ),
            (
                datetime.date(2021, 10, 5),
                "mattina",
                "Area Non autosufficienza e disabilità (Enti erogatori e servizi specialistici)",
            ),
            (datetime.date(2021, 10, 19), "mattina", "Area Non autosufficienza e disabilità"),
            (
                datetime.date(2021, 11, 15),
                "pomeriggio",
                "Restituzione in plenaria esiti e nuovi obiettivi – Area non autosufficienza - disabilità - "
                "integrazione sociosanitaria - anziani",
            ),
        ],
    ),
    (
        "Focus RSA - Integrazione sociosanitaria servizi domiciliari",
        2,
        False,
        [
            (datetime.date(2021, 9, 30), "pomeriggio", "Focus RSA - Integrazione sociosanitaria servizi domiciliari"),
        ],
    ),
    (
        "Focus Assistenza educativa scolastica",
        2,
        False,
        [
            (datetime.date(2021, 10, 21), "mattina", "Focus Assistenza educativa scolastica"),
        ],
    ),
    (
        "Area Lavoro e povertà",
        1,
        True,
        [
            (datetime.date(2021, 10, 7), "pomeriggio", "Area Lavoro e povertà"),
            (datetime.date(2021, 10, 13), "pomeriggio", "Area Lavoro e Povertà"),
            (
                datetime.date(2021, 11, 16),
                "pomeriggio",
                "Restituzione in plenaria esiti e nuovi obiettivi – Area povertà - emarginazione - politiche "
                "abitative - lavoro",
            ),
        ],
    ),
    (
        "Laboratorio Programmazione servizi abitativi",
        1,
        False,
        [
            (datetime.date(2021, 10, 8), "mattina", "Primo Laboratorio Programmazione servizi abitativi"),
            (datetime.date(2021, 10, 18), "mattina", "Secondo Laboratorio Programmazione servizi abitativi"),
            (datetime.date(2021, 10, 28), "pomeriggio", "Terzo Laboratorio Programmazione servizi abitativi"),
        ],
    ),
    (
        "Area Interventi per le famiglie",
        3,
        True,
        [
            (datetime.date(2021, 10, 11), "mattina", "Area Interventi per le famiglie"),
            (
                datetime.date(2021, 10, 19),
                "pomeriggio",
                "Area Interventi per le famiglie (riflessioni PDZ - Tutela Minori)",
            ),
            (
                datetime.date(2021, 11, 17),
                "pomeriggio",
                "Restituzione in plenaria esiti e nuovi obiettivi – Area Interventi per la famiglia - politiche "
                "giovani - prevenzione",
            ),
        ],
    ),
    (
        "Area politiche per i giovani - Istituti comprensivi e scuole",
        3,
        False,
        [
            (datetime.date(2021, 9, 23), "pomeriggio", "Area politiche per i giovani - Istituti comprensivi e scuole"),
            (datetime.date(2021, 11, 10), "pomeriggio", "Tavolo con Dirigenti Scolastici"),
        ],
    ),
    ("Focus Prevenzione", 3, False, [(datetime.date(2021, 10, 6), "mattina", "Focus Prevenzione")]),
    ("Focus Sistema 0/6 anni", 3, False, [(datetime.date(2021, 10, 18), "pomeriggio", "Focus Sistema 0/6 anni")]),
    (
        "Focus Parrocchie del territorio",
        None,
        False,
        [
            (datetime.date(2021, 10, 20), "pomeriggio", "Focus Parrocchie del territorio"),
        ],
    ),
]

# The priorities of 7.3 (lines), the table Zona records each at, the objectives that answer it.
PRIORITA = [
    (
        "3664-3665",
        "Area Non autosufficienza e disabilità",
        "Migliorare l'informazione tra gli operatori e i cittadini, al fine di garantire una reale parità di accesso "
        "ai servizi e alle prestazioni sociali",
        ["AS21-02"],
    ),
    (
        "3667-3669",
        "Area Interventi per le famiglie",
        "Rafforzare l'equilibrio tra l'attività di prevenzione e di protezione/intervento, cercando di inserirsi nei "
        "diversi processi per invertire e interrompere possibili tendenze negative (sia nell'area della dipendenza, "
        "della tutela minori, della vulnerabilità e fragilità sociale)",
        ["AS21-09", "AS21-17", "AS21-20"],
    ),
    (
        "3671-3673",
        "Area Non autosufficienza e disabilità",
        "Promuovere una vera integrazione tra le politiche di cura, spostando l'attenzione non più sul singolo "
        "«bisogno», ma su una lettura globale e multidimensionale della persona, in ottica sempre più trasversale e "
        "di progetto di vita",
        ["AS21-01", "AS21-03", "AS21-07"],
    ),
    (
        "3675-3677",
        "Area Interventi per le famiglie",
        "Sostenere la comunità, intesa quale pluralità di cittadini attivi, realtà associative, enti del terzo "
        "settore e della cooperazione sociale che, sebbene ancora segnati dalle fatiche del tradizionale "
        "volontariato, rappresentano una ricchezza per il territorio",
        ["AS21-04", "AS21-19"],
    ),
    (
        "3679-3682",
        "Area politiche per i giovani - Istituti comprensivi e scuole",
        "Progettare interventi per riattivare le relazioni, soprattutto tra i giovani e le persone fragili, "
        "ricercando un'alleanza continua con gli attori della rete educante, in primis le scuole, e ripensare nuove "
        "modalità di «stare insieme», anche quale forma di contrasto alla povertà educativa e a forme di disagio",
        ["AS21-14", "AS21-20", "AS21-21"],
    ),
    (
        "3684-3685",
        "Area Non autosufficienza e disabilità",
        "Sostenere il ruolo di cura delle reti familiari e dei care-giver, quale strumento di welfare fondamentale per "
        "l'assistenza primaria delle persone in condizioni di fragilità e di non autosufficienza",
        ["AS21-01", "AS21-04"],
    ),
    (
        "3687-3688",
        "Area Interventi per le famiglie",
        "Promuovere politiche a favore della famiglia, sostenendo i servizi di conciliazione e dell'infanzia, "
        "evitando il progressivo spopolamento del territorio",
        ["AS21-19", "AS21-22"],
    ),
    (
        "3690-3691",
        "Area Lavoro e povertà",
        "Riattivare i luoghi di confronto e i tavoli di riflessione con i diversi attori del territorio, per "
        "condividere informazioni e possibili soluzioni alla molteplicità dei bisogni – in costante evoluzione",
        ["AS21-11", "AS21-12", "AS21-16"],
    ),
    (
        "3693-3695",
        "Area Non autosufficienza e disabilità",
        "Avviare un percorso di valorizzazione delle nuove tecnologie, come strumenti innovativi di partecipazione e "
        "ascolto, di monitoraggio e valutazione di situazioni complesse, di accesso ed erogazione di servizi, "
        "accompagnando la comunità ad una progressiva transizione digitale",
        ["AS21-23"],
    ),
]


def _organizzazione(nome, tipo, fonte, sede=None, **campi):
    org, _ = Organizzazione.objects.get_or_create(
        nome=nome, codice_fiscale="", defaults={"tipo": tipo, "fonte": fonte, "sede_comune": sede, **campi}
    )
    return org


@transaction.atomic
def carica_alto_sebino():
    piano = Piano.objects.filter(ambito_id="alto-sebino", anno_inizio=2021).select_related("ambito").first()
    if piano is None or Avviso.objects.filter(piano=piano).exists():
        return None
    giorno = datetime.date(2021, 12, 15)
    comuni = [
        a.comune
        for a in AppartenenzaComune.objects.valid_on(giorno)
        .filter(ambito=piano.ambito)
        .select_related("comune")
        .order_by("comune__nome")
    ]
    fonte_comuni = f"{SEED}, righe 3429-3431 e 3660-3661: i Comuni e i componenti dell'Assemblea dei Sindaci"
    enti_comuni = [_organizzazione(f"Comune di {c.nome}", TipoOrganizzazione.COMUNE, fonte_comuni, c) for c in comuni]
    for org, c in zip(enti_comuni, comuni, strict=True):
        org.comuni.add(c)
    fonte_sanita = f"{SEED}, righe 3429-3430"
    ats = _organizzazione("ATS di Bergamo", TipoOrganizzazione.ATS, fonte_sanita)
    asst = _organizzazione("ASST Bergamo Est", TipoOrganizzazione.ASST, fonte_sanita)
    liberamente = _organizzazione(
        "Associazione Liberamente ODV",
        TipoOrganizzazione.ETS,
        f"{SEED}, riga 5147: co-progetta l'obiettivo «Salute mentale di comunità»",
        forma_giuridica="Organizzazione di volontariato",
    )
    liberamente.aree.add("J")

    macro = {m.codice: m for m in MacroArea.objects.filter(piano=piano)}
    avviso = services.crea_avviso(
        None,
        piano,
        "Avviso pubblico di manifestazione di interesse per la co-programmazione del Piano di Zona",
        aree=[(titolo, temi, macro.get(codice)) for titolo, temi, codice in AREE],
        atto="Approvato dall'Assemblea dei Sindaci nel giugno 2021 (il giorno non è indicato dalla fonte)",
        testo="Hanno preso parte alla manifestazione di interesse e ai tavoli, oltre agli attori istituzionali "
        "(Comuni, ATS, ASST, Istituti scolastici, Forze dell'ordine e Parrocchie), più di 30 realtà associative e "
        "del terzo settore, elencate nell'Allegato D «Enti partecipanti alla co-programmazione di zona» (non "
        "disponibile tra le fonti caricate).",
        fonte=f"{SEED}, sezione 7.2, righe 3404-3431",
    )
    aree = list(avviso.aree.order_by("numero"))
    fonte_roadmap = f"{SEED}, road-map degli incontri, righe 3466-3660 (giorno ricostruito dalle colonne della tabella)"
    tavoli = {}
    for ordine, (titolo, area, istituzionali, incontri) in enumerate(TAVOLI, start=1):
        tavolo = services.crea_tavolo(
            None, piano, titolo, area=aree[area - 1] if area else None, ordine=ordine, fonte=fonte_roadmap
        )
        tavoli[titolo] = tavolo
        if istituzionali:
            for org in [ats, asst]:
                Componente.objects.create(tavolo=tavolo, organizzazione=org)
            for org in enti_comuni:
                Componente.objects.create(tavolo=tavolo, organizzazione=org)
        for giorno_incontro, parte, etichetta in incontri:
            plenaria = etichetta.startswith("Restituzione")
            incontro = services.registra_incontro(
                None,
                tavolo,
                giorno_incontro,
                ordine_del_giorno=f"{etichetta} ({parte}). " + (ODG_PLENARIA if plenaria else f"Oggetto: {ODG}."),
                fonte=fonte_roadmap,
            )
            if plenaria:
                # The members of the Assemblea took part in the groups' outcomes (lines 3660-3661).
                Presenza.objects.bulk_create(Presenza(incontro=incontro, organizzazione=o) for o in enti_comuni)
        if istituzionali:
            tavolo.descrizione = (
                "Componenti: i Comuni dell'Ambito (i componenti dell'Assemblea dei Sindaci hanno preso parte ai gruppi "
                "di lavoro), ATS e ASST (la fonte non dice a quali tavoli hanno partecipato: sono registrate sui tre "
                "tavoli d'area). Le realtà del terzo settore sono nell'Allegato D, non disponibile."
            )
            tavolo.save(update_fields=["descrizione"])
    obiettivi = {o.codice: o for o in Obiettivo.objects.filter(piano=piano)}
    for righe, titolo, testo, codici in PRIORITA:
        tavolo = tavoli[titolo]
        services.registra_esito(
            None,
            tavolo,
            TipoEsito.PRIORITA,
            testo,
            obiettivi=[obiettivi[c] for c in codici if c in obiettivi],
            incontro=tavolo.incontri.order_by("-data").first(),
            fonte=f"{SEED}, sezione 7.3, righe {righe}; tavolo e obiettivi collegati da Zona secondo il contenuto "
            "(la fonte presenta le priorità come esito dell'insieme dei gruppi di lavoro)",
        )
    if not Seduta.objects.filter(ambito=piano.ambito, data=giorno).exists():
        services.registra_seduta(
            None,
            piano.ambito,
            giorno,
            ordine_del_giorno="Approvazione del Piano di Zona 2021-2023",
            fonte=f"{SEED}, riga 86: «Approvato con deliberazione del 15.12.2021 dall'Assemblea dei Sindaci» "
            "(numero della delibera e presenze dei Comuni non indicati)",
            delibere=[{"data": giorno, "oggetto": "Approvazione del Piano di Zona 2021-2023", "piano": piano}],
        )
    return avviso


def carica_demo():
    return carica_alto_sebino()


def collega_componente_demo(username="tavolo.altosebino"):
    """The demo member of a table (role «tavolo», made by accounts after this demo): the
    representative of the Comune di Lovere at the first table of Alto Sebino's areas. Returns
    the table, or None when the user or the table is missing."""
    from django.contrib.auth import get_user_model

    utente = get_user_model().objects.filter(username=username, profilo__ruolo="tavolo").first()
    componente = (
        Componente.objects.filter(
            tavolo__piano__ambito_id="alto-sebino", organizzazione__nome="Comune di Lovere", utente__isnull=True
        )
        .order_by("tavolo__ordine")
        .first()
    )
    if utente is None or componente is None or Componente.objects.filter(utente=utente).exists():
        return None
    componente.utente = utente
    componente.save(update_fields=["utente"])
    return componente.tavolo
