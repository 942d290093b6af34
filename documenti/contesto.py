"""What the documents say, built from the data once for every format.

Three documents: the Piano di Zona of an Ambito (`documento_piano`), its six-monthly
monitoring report (`relazione_monitoraggio`) and the provincial report comparing the Ambiti
of a triennio (`relazione_provinciale`). Each returns a `modello.Documento`; `pdf.py` and
`docx.py` lay it out. Chapters follow the regional guidelines for the 2021-2023 plans
(premessa, precedente triennalità, governance, nuova programmazione, risorse, sistema
informativo, tempi), with the quadro conoscitivo as chapter 3.

Only data are printed: a chapter with nothing recorded says so in one sentence. Every table
names its source.
"""

import datetime
import re
from collections import Counter, defaultdict

from conoscenza import charts as grafici_conoscenza
from conoscenza import selectors as conoscenza
from conoscenza.models import Indicatore, Livello, Osservazione
from monitoraggio import selectors as monitoraggio
from monitoraggio.models import Impegno, Misurazione, Valutazione
from programmazione import selectors as programmazione
from programmazione.models import (
    IndicatoreObiettivo,
    ObiettivoProvinciale,
    ObiettivoSovrazonale,
    Piano,
    Prologo,
    StatoAttuazione,
    StatoPiano,
    Target,
)
from territorio import selectors as territorio
from territorio.models import ATS, Ambito, TipoOrgano
from zona.lib import formato as f

from .modello import Cella, Documento, Elenco, Grafico, Paragrafo, Tabella, Titolo

# The charts of the quadro conoscitivo: the same three as the Ambito's page.
GRAFICI = ["indice_vecchiaia", "dipendenza_strutturale", "indice_invecchiamento"]
# Columns of the table of the Comuni of the Ambito.
INDICATORI_COMUNI = ["popolazione", "indice_vecchiaia", "dipendenza_strutturale", "densita"]
ETICHETTE_STATI = dict(StatoAttuazione.choices)
FONTE_ANAGRAFE = "anagrafe territoriale di Zona"


def _nota(testo):
    return Paragrafo(testo, nota=True)


def _piano_precedente(piano):
    """The Ambito's plan before this one; drafts never became plans, so they do not count."""
    return (
        Piano.objects.filter(ambito=piano.ambito_id, anno_inizio__lt=piano.anno_inizio)
        .exclude(stato=StatoPiano.BOZZA)
        .order_by("-anno_inizio")
        .first()
    )


def _stato_piano(piano):
    testo = piano.get_stato_display()
    if piano.approvato_il:
        testo += f"; approvato il {f.data(piano.approvato_il)}"
        if piano.delibera:
            testo += f" ({f.pulisci(piano.delibera)})"
    return testo


def _territorio(ambito, giorno):
    """Comuni, Distretto and ente capofila of the Ambito on `giorno`, or today when the
    registry has no memberships on that day (it records them from 2021)."""
    comuni = list(territorio.comuni_di(ambito, giorno))
    if not comuni:
        giorno = datetime.date.today()
        comuni = list(territorio.comuni_di(ambito, giorno))
    return {
        "giorno": giorno,
        "comuni": comuni,
        "distretto": territorio.distretto_di(ambito, giorno),
        "capofila": territorio.capofila_di(ambito, giorno),
    }


def _distretto(distretto):
    # The registry's names mostly start with «Distretto» already.
    return distretto.nome if distretto.nome.lower().startswith("distretto") else f"Distretto {distretto.nome}"


def _frontespizio_ambito(ambito, terr):
    righe = []
    if terr["comuni"]:
        righe.append(f"{len(terr['comuni'])} Comuni")
    if terr["distretto"]:
        d = terr["distretto"]
        righe.append(f"{_distretto(d)} · {d.asst.nome} · {d.asst.ats.nome}")
    if terr["capofila"]:
        righe.append(f"Ente capofila: {terr['capofila'].ente.nome}")
    return righe


# --- Piano di Zona -------------------------------------------------------------------------


def documento_piano(piano, oggi=None):
    """The Piano di Zona document of `piano`, from the data of Zona."""
    oggi = oggi or datetime.date.today()
    ambito = piano.ambito
    terr = _territorio(ambito, datetime.date(piano.anno_inizio, 1, 1))
    bozza = piano.stato == StatoPiano.BOZZA
    doc = Documento(
        titolo=f"Piano di Zona {piano.triennio}",
        ente=f"Ambito territoriale {ambito.nome}",
        frontespizio=[
            "Piano di Zona del sistema integrato di interventi e servizi sociali",
            *_frontespizio_ambito(ambito, terr),
            f"Stato: {_stato_piano(piano)}",
        ],
        intestazione=f"Piano di Zona {piano.triennio} · Ambito {ambito.nome}" + (" · BOZZA" if bozza else ""),
        nome_file=f"piano-di-zona-{ambito.pk}-{piano.triennio}",
        bozza=bozza,
    )
    obiettivi = list(programmazione.obiettivi_del_piano(piano))
    precedente = _piano_precedente(piano)
    _premessa(doc, piano, terr)
    _precedente_triennalita(doc, piano, precedente)
    _quadro_conoscitivo(doc, ambito)
    _governance(doc, piano, ambito, oggi)
    _nuova_programmazione(doc, piano, obiettivi, precedente)
    _risorse(doc, piano, obiettivi)
    _sistema_informativo(doc, piano, ambito, obiettivi)
    _tempi(doc, piano, oggi)
    return doc


def _premessa(doc, piano, terr):
    cap = doc.capitolo("Premessa")
    premessa = f.pulisci(piano.premessa).strip()
    if premessa:
        cap.blocchi += [Paragrafo(p.strip()) for p in premessa.split("\n\n") if p.strip()]
    else:
        cap.blocchi.append(_nota("Il piano non ha una premessa registrata in Zona."))
    if piano.titolo:
        cap.blocchi.append(Paragrafo(f"Titolo del piano: {piano.titolo}."))
    doc.sezione(cap, "L'Ambito territoriale")
    ambito = piano.ambito
    if terr["comuni"]:
        nomi = ", ".join(c.nome for c in terr["comuni"])
        cap.blocchi.append(
            Paragrafo(
                f"Al {f.data(terr['giorno'])} l'Ambito territoriale {ambito.nome} comprende {len(terr['comuni'])} "
                f"Comuni: {nomi}."
            )
        )
    else:
        cap.blocchi.append(_nota(f"L'anagrafe di Zona non registra i Comuni dell'Ambito {ambito.nome}."))
    if terr["distretto"]:
        d = terr["distretto"]
        cap.blocchi.append(Paragrafo(f"Appartiene al {_distretto(d)} dell'{d.asst.nome} ({d.asst.ats.nome})."))
    if terr["capofila"]:
        e = terr["capofila"].ente
        cap.blocchi.append(Paragrafo(f"Ente capofila: {e.nome} ({e.get_forma_giuridica_display().lower()})."))
    cap.blocchi.append(Paragrafo(f"Stato del piano: {_stato_piano(piano)}."))
    cap.blocchi.append(_nota(f"Fonte: {FONTE_ANAGRAFE}" + (f"; piano: {piano.fonte}." if piano.fonte else ".")))


# --- 2. the previous triennio --------------------------------------------------------------


def _tabella_attuazione(att, fonte):
    """The status rollup of a plan: per area, the count and share of each status."""
    righe = []
    dichiarati = any(r.origine == "dichiarato" for r in att.righe)
    for area, elenco in att.per_area():
        for i, r in enumerate(elenco):
            riga = []
            if i == 0:
                riga.append(
                    Cella(
                        "Totale del piano" if area == monitoraggio.TOTALE else area,
                        righe=len(elenco),
                        intestazione=area == monitoraggio.TOTALE,
                    )
                )
            riga += [r.etichetta_stato, str(r.numero), f.percentuale(r.percentuale)]
            if dichiarati:
                riga.append("dichiarato dalla fonte" if r.origine == "dichiarato" else "calcolato")
            righe.append(riga)
    colonne = ["Area", "Stato", "Numero", "%"] + (["Origine"] if dichiarati else [])
    return Tabella(
        colonne,
        righe,
        fonte=fonte,
        didascalia="Obiettivi per area e stato di attuazione",
        numeriche=frozenset({2, 3}),
        larghezze=[4, 2.5, 1.2, 1.2] + ([2] if dichiarati else []),
    )


def _scheda_tabella2(o, successivi, triennio_successivo):
    v = getattr(o, "valutazione", None)
    grado = f.percentuale(v.grado_raggiungimento, 0) if v.grado_raggiungimento is not None else f.oppure(v.grado_testo)
    if v.coincidenza_risorse is not None:
        coincidenza = f.percentuale(v.coincidenza_risorse, 0)
    else:
        calcolata = monitoraggio.coincidenza_risorse(o)
        coincidenza = (
            f"{f.percentuale(calcolata)} (calcolata da risorse stanziate e impegnate)"
            if calcolata is not None
            else f.oppure(v.coincidenza_testo)
        )
    stato = ETICHETTE_STATI.get(o.stato, "non rilevato") if o.stato else "non rilevato"
    if o.motivo or o.motivo_testo:
        stato += f" ({f.pulisci(o.motivo_testo) or o.get_motivo_display()})"
    righe = [
        ["Obiettivo", f"{o.codice} – {o.titolo}"],
        ["Area", monitoraggio.area_di(o)],
        ["Stato di attuazione", stato],
        ["Grado di raggiungimento dell'obiettivo rispetto a ciò che è stato definito nella programmazione", grado],
        ["Valutazione da parte degli utenti (ove pertinente)", f.oppure(v.valutazione_utenti)],
        ["Livello di coincidenza tra risorse stanziate e risorse impegnate/liquidate", coincidenza],
        ["Criticità rilevate", f.oppure(v.criticita)],
        ["Piano di miglioramento", f.oppure(v.piano_miglioramento)],
        [
            "Questo obiettivo ha adeguatamente risposto ad un bisogno producendo un cambiamento positivo nell'area "
            "individuata come problematica?",
            f.si_no(v.risposto_bisogno, v.risposto_bisogno_motivo),
        ],
        ["L'obiettivo era in continuità con la programmazione precedente?", f.si_no(v.continuita_precedente)],
        [
            "L'obiettivo verrà riproposto nella prossima "
            f"programmazione{' ' + triennio_successivo if triennio_successivo else ''}?",
            f.si_no(v.riproposto, v.riproposto_motivo),
        ],
    ]
    if successivi:
        righe.append(
            [
                "Ripreso nel piano successivo da",
                "; ".join(f"{s.codice} – {s.titolo} ({s.piano.triennio})" for s in successivi),
            ]
        )
    return Tabella(
        ["Dimensione", "Output"],
        righe,
        scheda=True,
        larghezze=[2, 3],
        fonte=v.fonte or "scheda di valutazione registrata in Zona",
    )


def _precedente_triennalita(doc, piano, precedente):
    if precedente is None:
        cap = doc.capitolo("La precedente triennalità")
        cap.blocchi.append(
            _nota(
                f"In Zona non c'è un piano dell'Ambito {piano.ambito.nome} precedente al {piano.triennio}: la sua "
                "valutazione non è disponibile."
            )
        )
        return
    cap = doc.capitolo(f"La precedente triennalità {precedente.triennio}")
    obiettivi = list(
        precedente.obiettivi.select_related("macroarea", "area_policy", "valutazione")
        .prefetch_related("continuato_da__piano")
        .order_by("ordine", "codice")
    )
    cap.blocchi.append(
        Paragrafo(
            f"Il Piano di Zona {precedente.triennio} dell'Ambito contava {len(obiettivi)} obiettivi. Stato del "
            f"piano: {_stato_piano(precedente)}."
        )
    )
    doc.sezione(cap, "Stato di attuazione degli obiettivi")
    att = monitoraggio.attuazione(precedente)
    if att.righe:
        fonte = (
            f"stato di attuazione degli obiettivi del piano {precedente.triennio} in Zona, "
            "conteggi e percentuali calcolati"
        )
        if precedente.fonte:
            fonte += f" ({precedente.fonte})"
        cap.blocchi.append(_tabella_attuazione(att, fonte))
    else:
        cap.blocchi.append(_nota("Lo stato di attuazione degli obiettivi non è registrato."))
    if att.verifiche:
        cap.blocchi.append(Paragrafo("Dove gli obiettivi elencati e i conteggi stampati dalla fonte non coincidono:"))
        cap.blocchi.append(Elenco(att.verifiche))

    doc.sezione(cap, "Esiti degli obiettivi (Tabella 2)")
    valutati = [o for o in obiettivi if hasattr(o, "valutazione")]
    senza = [o for o in obiettivi if not hasattr(o, "valutazione")]
    if not valutati:
        cap.blocchi.append(
            _nota("Nessun obiettivo del piano precedente ha una scheda di valutazione (Tabella 2) in Zona.")
        )
    for o in valutati:
        cap.blocchi.append(Titolo(f"{o.codice} – {o.titolo}", 3))
        successivi = [s for s in o.continuato_da.all() if s.piano_id == piano.pk]
        cap.blocchi.append(_scheda_tabella2(o, successivi, piano.triennio))
    if senza:
        cap.blocchi.append(Titolo("Obiettivi senza scheda di valutazione", 3))
        cap.blocchi.append(
            Tabella(
                ["Codice", "Obiettivo", "Area", "Stato", "Motivo"],
                [
                    [
                        o.codice,
                        o.titolo,
                        monitoraggio.area_di(o),
                        ETICHETTE_STATI.get(o.stato, "non rilevato"),
                        o.motivo_testo or o.get_motivo_display(),
                    ]
                    for o in senza
                ],
                fonte=f"obiettivi del piano {precedente.triennio} in Zona"
                + (f" ({precedente.fonte})" if precedente.fonte else ""),
                larghezze=[1.2, 4, 2.5, 1.6, 2.2],
            )
        )


# --- 3. quadro conoscitivo -----------------------------------------------------------------


def _confronti(ambito, giorno):
    distretto = territorio.distretto_di(ambito, giorno)
    if distretto is None:
        return []
    ats = distretto.asst.ats
    return [(Livello.DISTRETTO, distretto.pk, distretto.nome, "Distretto"), (Livello.ATS, ats.pk, ats.nome, "ATS")]


def _fonti_caricamenti(caricamenti):
    """«source (files «a», «b», loaded on …)», one entry per source."""
    file_per_fonte = defaultdict(list)
    for c in caricamenti:
        file_per_fonte[c.fonte].append(c)
    voci = []
    for fonte, elenco in file_per_fonte.items():
        nomi = ", ".join(f"«{c.nome_file}»" for c in elenco)
        date = ", ".join(sorted({f.data(c.creato_il.date()) for c in elenco}))
        voci.append(f"{fonte} (file {nomi}, caricat{'i' if len(elenco) > 1 else 'o'} il {date})")
    return "; ".join(voci)


def _quadro_conoscitivo(doc, ambito):
    cap = doc.capitolo("Il quadro conoscitivo")
    confronti = _confronti(ambito, datetime.date.today())
    dati = conoscenza.profilo(Livello.AMBITO, ambito.pk, [(lv, c, nome) for lv, c, nome, _ in confronti])
    base = conoscenza.dati_di_base(Livello.AMBITO, ambito.pk)
    if not dati["anni"] and not base:
        cap.blocchi.append(
            _nota(
                f"Nessun dato di base è caricato in Zona per l'Ambito {ambito.nome} né per i suoi Comuni: il quadro "
                "conoscitivo non è disponibile."
            )
        )
        return
    if dati["anni"]:
        anni, ultimo = dati["anni"], dati["anni"][-1]
        fonte = _fonti_caricamenti(conoscenza.caricamenti_attivi([Livello.AMBITO], [ambito.pk], anni))
        fonte += ". Indicatori calcolati da Zona sommando i Comuni dell'Ambito, del Distretto e dell'ATS"
        doc.sezione(cap, "Popolazione e indici demografici")
        cap.blocchi.append(
            Paragrafo(
                f"Indicatori dell'Ambito {ambito.nome} per anno, calcolati dai dati dei suoi Comuni, e gli stessi "
                "indicatori "
                f"del {ultimo} per " + " e ".join(nome for _, _, nome, _ in confronti) + "."
                if confronti
                else f"Indicatori dell'Ambito {ambito.nome} per anno, calcolati dai dati dei suoi Comuni."
            )
        )
        righe = [
            [r["indicatore"].nome, r["indicatore"].unita]
            + [f.numero(v, r["indicatore"].decimali) for v in r["valori"]]
            + [f.numero(v, r["indicatore"].decimali) for v in r["confronti"]]
            for r in dati["righe"]
        ]
        colonne = (
            ["Indicatore", "Unità"] + [str(a) for a in anni] + [f"{etichetta} {ultimo}" for *_, etichetta in confronti]
        )
        cap.blocchi.append(
            Tabella(
                colonne,
                righe,
                fonte=fonte,
                didascalia="Indicatori demografici",
                numeriche=frozenset(range(2, len(colonne))),
                larghezze=[4, 1.6] + [1.4] * (len(colonne) - 2),
            )
        )
        _grafici(cap, ambito, dati, confronti, fonte)
        _comuni(doc, cap, ambito, ultimo, fonte)
    if base:
        doc.sezione(cap, "Dati dei documenti dell'Ambito")
        cap.blocchi.append(
            Paragrafo(
                "Dati di base riportati nei documenti di programmazione dell'Ambito, caricati in Zona al livello di "
                "Ambito."
            )
        )
        fonti = _fonti_misure(ambito)
        for t in base:
            misura = t["misura"]
            titolo = f"{misura.nome} ({misura.unita})" if misura.unita else misura.nome
            if t["incrocio"]:
                inc = t["incrocio"]
                tab = Tabella(
                    [""] + inc["colonne"],
                    [[r] + [f.numero(v) for v in valori] for r, valori in inc["righe"]],
                    fonte=fonti.get(misura.codice, ""),
                    didascalia=f"{titolo}, {t['anni'][0]}",
                    numeriche=frozenset(range(1, len(inc["colonne"]) + 1)),
                )
            elif any("|" in c for c, _ in t["righe"]):
                tab = _tabella_incrociata(t, misura, titolo, fonti.get(misura.codice, ""))
            else:
                tab = Tabella(
                    [(misura.categorie or "Voce").capitalize()] + [str(a) for a in t["anni"]],
                    [[c] + [f.numero(v) for v in valori] for c, valori in t["righe"]],
                    fonte=fonti.get(misura.codice, ""),
                    didascalia=titolo,
                    numeriche=frozenset(range(1, len(t["anni"]) + 1)),
                    larghezze=[4] + [1.2] * len(t["anni"]),
                )
            cap.blocchi.append(tab)


def _tabella_incrociata(t, misura, titolo, fonte):
    """Categories «riga|colonna» over the years (spending by area and channel): the first
    part as a grouped column. A category without «|» is a figure of its own (the document
    prints it apart, e.g. an area's total from another table)."""
    gruppi = defaultdict(list)
    for categoria, valori in t["righe"]:
        riga, _, voce = categoria.partition("|")
        gruppi[riga].append((voce or "(valore riportato senza dettaglio)", valori))
    nomi = re.search(r"«([^|»]+)\|([^»]+)»", misura.categorie or "")
    colonne = [nomi.group(1).capitalize(), nomi.group(2).capitalize()] if nomi else ["Voce", "Dettaglio"]
    righe = []
    for gruppo, elenco in gruppi.items():
        for i, (voce, valori) in enumerate(elenco):
            testa = [Cella(gruppo, righe=len(elenco), intestazione=True)] if i == 0 else []
            righe.append(testa + [voce] + [f.numero(v) for v in valori])
    return Tabella(
        colonne + [str(a) for a in t["anni"]],
        righe,
        fonte=fonte,
        didascalia=titolo,
        numeriche=frozenset(range(2, len(t["anni"]) + 2)),
        larghezze=[2.5, 2.5] + [1.2] * len(t["anni"]),
    )


def _fonti_misure(ambito):
    """The source of each measure stored at the Ambito level (its active loads)."""
    per_misura = defaultdict(list)
    righe = (
        Osservazione.objects.attive()
        .filter(livello=Livello.AMBITO, codice_territorio=ambito.pk)
        .values_list("misura_id", "caricamento__fonte", "caricamento__nome_file")
        .distinct()
    )
    for misura, fonte, nome_file in righe:
        voce = f"{fonte} (file «{nome_file}»)"
        if voce not in per_misura[misura]:
            per_misura[misura].append(voce)
    return {m: "; ".join(v) for m, v in per_misura.items()}


def _grafici(cap, ambito, dati, confronti, fonte):
    indicatori = {i.codice: i for i in Indicatore.objects.filter(codice__in=GRAFICI)}
    for codice in GRAFICI:
        ind = indicatori.get(codice)
        serie = grafici_conoscenza.serie_profilo(ambito.nome, dati, confronti, codice)
        if ind is None or not serie:
            continue
        cap.blocchi.append(Grafico(ind.nome, grafici_conoscenza.serie_confronto(ind.nome, serie, ind.unita), fonte))


def _comuni(doc, cap, ambito, anno, fonte):
    comuni = list(territorio.comuni_di(ambito, datetime.date(anno, 1, 1)))
    if not comuni:
        return
    indicatori = list(Indicatore.objects.filter(codice__in=INDICATORI_COMUNI))
    indicatori.sort(key=lambda i: INDICATORI_COMUNI.index(i.codice))
    valori = conoscenza.calcola(
        Livello.COMUNE, anni=[anno], indicatori=[i.codice for i in indicatori], territori=[c.pk for c in comuni]
    )
    if not valori:
        return
    totali = conoscenza.calcola(
        Livello.AMBITO, anni=[anno], indicatori=[i.codice for i in indicatori], territori=[ambito.pk]
    )
    doc.sezione(cap, f"I Comuni dell'Ambito nel {anno}")
    righe = [[c.nome] + [f.numero(valori.get((c.pk, anno, i.codice)), i.decimali) for i in indicatori] for c in comuni]
    cap.blocchi.append(
        Tabella(
            ["Comune"] + [f"{i.nome} ({i.unita})" for i in indicatori],
            righe,
            fonte=fonte,
            didascalia=f"Comuni dell'Ambito al 1° gennaio {anno}",
            numeriche=frozenset(range(1, len(indicatori) + 1)),
            larghezze=[3] + [1.6] * len(indicatori),
            totale=[f"Ambito {ambito.nome}"]
            + [f.numero(totali.get((ambito.pk, anno, i.codice)), i.decimali) for i in indicatori],
        )
    )


# --- 4. governance -------------------------------------------------------------------------


def _governance(doc, piano, ambito, oggi):
    cap = doc.capitolo("La Governance")
    doc.sezione(cap, "Accordo di programma")
    accordo = getattr(piano, "accordo", None)
    if accordo is None:
        cap.blocchi.append(_nota("L'accordo di programma del piano non è registrato in Zona."))
    else:
        sottoscrittori = list(accordo.sottoscrittori.select_related("comune"))
        frase = (
            f"Sottoscritto il {f.data(accordo.firmato_il)}."
            if accordo.firmato_il
            else "La data di sottoscrizione non è registrata."
        )
        if accordo.scadenza:
            frase += f" Scade il {f.data(accordo.scadenza)}."
        frase += (
            f" Lo sottoscrivono {len(sottoscrittori)} enti."
            if sottoscrittori
            else " Nessun sottoscrittore è registrato."
        )
        cap.blocchi.append(Paragrafo(frase))
        if accordo.note:
            cap.blocchi.append(Paragrafo(f"Note: {accordo.note}"))
        if sottoscrittori:
            per_tipo = Counter(s.get_tipo_display() for s in sottoscrittori)
            cap.blocchi.append(
                Tabella(
                    ["Tipo di ente", "Sottoscrittori"],
                    [[t, str(n)] for t, n in per_tipo.items()],
                    fonte="accordo di programma del piano in Zona",
                    didascalia="Sottoscrittori per tipo di ente",
                    numeriche=frozenset({1}),
                    totale=["Totale", str(len(sottoscrittori))],
                    larghezze=[3, 1],
                )
            )
            cap.blocchi.append(
                Tabella(
                    ["Sottoscrittore", "Tipo", "Aderisce dal"],
                    [[s.nome, s.get_tipo_display(), f.data(s.aderito_il)] for s in sottoscrittori],
                    fonte="accordo di programma del piano in Zona",
                    didascalia="Sottoscrittori dell'accordo",
                    larghezze=[4, 2, 1.5],
                )
            )
    doc.sezione(cap, "Ufficio di Piano e organi dell'Ambito")
    righe, fonti = [], set()
    capofila = territorio.capofila_di(ambito, oggi)
    if capofila:
        righe.append(["Ente capofila", f"{capofila.ente.nome} ({capofila.ente.get_forma_giuridica_display().lower()})"])
    organi = list(territorio.organi_di(ambito))
    incarichi = list(territorio.incarichi_in_carica(organi, oggi))
    for organo in organi:
        if organo.tipo not in (TipoOrgano.UFFICIO_DI_PIANO, TipoOrgano.ASSEMBLEA_AMBITO):
            continue
        righe.append([Cella(organo.get_tipo_display(), intestazione=True), organo.nome])
        for etichetta, valore in (
            ("Indirizzo", organo.indirizzo),
            ("Telefono", organo.telefono),
            ("Posta elettronica", organo.email),
            ("Sito web", organo.sito_web),
        ):
            if valore:
                righe.append([etichetta, valore])
        for i in incarichi:
            if i.organo_id == organo.pk:
                dettaglio = ", ".join(x for x in (i.qualifica, i.comune.nome if i.comune else "") if x)
                righe.append([i.get_ruolo_display(), i.persona.nome + (f" ({dettaglio})" if dettaglio else "")])
                if i.fonte:
                    fonti.add(i.fonte)
    if righe:
        fonte = FONTE_ANAGRAFE + (f"; incarichi: {'; '.join(sorted(fonti))}" if fonti else "")
        cap.blocchi.append(
            Tabella(
                ["Voce", "Valore"],
                righe,
                fonte=fonte + f"; situazione al {f.data(oggi)}",
                scheda=True,
                larghezze=[1, 2],
            )
        )
    else:
        cap.blocchi.append(_nota("L'anagrafe di Zona non registra l'Ufficio di Piano né gli organi dell'Ambito."))


# --- 5. the new programming ----------------------------------------------------------------


def _sinottica(piano):
    righe = []
    for r in programmazione.sinottica(piano):
        macro = r["macroarea"].titolo if r["macroarea"] else "Senza macroarea"
        aree = "\n".join(str(a) for a in r["aree"]) or f.VUOTO
        elenco = r["obiettivi"]
        if not elenco:
            righe.append([macro, aree, Cella("Nessun obiettivo"), ""])
            continue
        for i, o in enumerate(elenco):
            codici = ", ".join([o.area_policy_id or "sistema"] + [a.codice for a in o.aree_trasversali.all()])
            riga = (
                [Cella(macro, righe=len(elenco), intestazione=True), Cella(aree, righe=len(elenco))] if i == 0 else []
            )
            righe.append(riga + [f"{o.codice} – {o.titolo}", codici])
    return righe


def _nuova_programmazione(doc, piano, obiettivi, precedente):
    cap = doc.capitolo(f"La nuova programmazione {piano.triennio}")
    if not obiettivi:
        cap.blocchi.append(_nota("Il piano non ha ancora obiettivi registrati in Zona."))
        return
    fonte = "schede obiettivo del piano in Zona" + (f" ({piano.fonte})" if piano.fonte else "")
    cap.blocchi.append(
        Paragrafo(f"Il piano conta {len(obiettivi)} obiettivi in {piano.macroaree.count()} macroaree dell'Ambito.")
    )
    doc.sezione(cap, "Macroaree, aree di policy e obiettivi")
    cap.blocchi.append(
        Tabella(
            ["Macroarea dell'Ambito", "Aree di policy regionali", "Obiettivo", "Aree"],
            _sinottica(piano),
            fonte=fonte,
            didascalia="Tabella sinottica: macroaree dell'Ambito, aree di policy regionali (A-J) e obiettivi",
            larghezze=[2.4, 2.8, 4, 1],
        )
    )
    doc.sezione(cap, "Obiettivi per area di policy regionale")
    cap.blocchi.append(
        Tabella(
            ["Area di policy", "Area principale", "Area trasversale", "Obiettivi"],
            [
                [str(a), str(len(p)), str(len(t)), ", ".join(o.codice for o in p) or f.VUOTO]
                for a, p, t in programmazione.matrice_aree(piano)
            ],
            fonte=fonte,
            didascalia="Numero di obiettivi per area di policy (A-J)",
            numeriche=frozenset({1, 2}),
            larghezze=[4, 1.2, 1.2, 3],
        )
    )
    _condivisi(doc, cap, piano, obiettivi)
    per_area = defaultdict(list)
    for o in obiettivi:
        per_area[o.area_policy].append(o)
    for area in sorted(per_area, key=lambda a: a.codice if a else "~"):
        doc.sezione(cap, f"Area {area}" if area else "Azioni di sistema (fuori dalle aree A-J)")
        for o in per_area[area]:
            cap.blocchi.append(Titolo(f"{o.codice} – {o.titolo}", 3))
            cap.blocchi += _scheda_tabella3(o, piano, precedente)


def _condivisi(doc, cap, piano, obiettivi):
    provinciali = [(o, list(o.obiettivi_provinciali.all())) for o in obiettivi]
    provinciali = [(o, p) for o, p in provinciali if p]
    sovrazonali = list(
        ObiettivoSovrazonale.objects.filter(obiettivi__piano=piano).prefetch_related("ambiti", "obiettivi").distinct()
    )
    doc.sezione(cap, "Obiettivi condivisi: Prologo provinciale e programmazione sovrazonale")
    if not provinciali and not sovrazonali:
        cap.blocchi.append(
            _nota(
                "Nessun obiettivo del piano è collegato a un obiettivo del Prologo provinciale o a un obiettivo "
                "sovrazonale."
            )
        )
        return
    if provinciali:
        cap.blocchi.append(
            Tabella(
                ["Obiettivo del piano", "Obiettivi del Prologo provinciale"],
                [[f"{o.codice} – {o.titolo}", "; ".join(str(p) for p in ps)] for o, ps in provinciali],
                fonte="collegamenti tra obiettivi del piano e del Prologo in Zona",
                larghezze=[1, 1],
            )
        )
    if sovrazonali:
        cap.blocchi.append(
            Tabella(
                ["Obiettivo sovrazonale", "Area", "Ambiti", "Obiettivi del piano"],
                [
                    [
                        s.titolo,
                        s.area_policy_id,
                        ", ".join(a.nome for a in s.ambiti.all()),
                        ", ".join(o.codice for o in s.obiettivi.all() if o.piano_id == piano.pk),
                    ]
                    for s in sovrazonali
                ],
                fonte="obiettivi sovrazonali registrati in Zona",
                larghezze=[3, 0.8, 3, 1.5],
            )
        )


def _scheda_tabella3(o, piano, precedente):
    aree = list(o.aree_trasversali.all())
    risorse_economiche = " ".join(
        x
        for x in (
            f"{f.euro(o.budget_stimato)} {o.get_periodo_budget_display()}." if o.budget_stimato is not None else "",
            f.pulisci(o.risorse_economiche),
        )
        if x
    )
    continuita = f.si_no(o.continuita)
    if o.continua_id:
        continuita += f": {o.continua.codice} – {o.continua.titolo} ({o.continua.piano.triennio})"
    precedente_label = f" ({precedente.triennio})" if precedente else ""
    righe = [
        ["Titolo obiettivo", o.titolo],
        [
            "Codice e area",
            f"{o.codice} · {o.area_policy or 'Azione di sistema'}"
            + (f" · macroarea {o.macroarea.titolo}" if o.macroarea else ""),
        ],
        ["Descrizione obiettivo", f.oppure(o.descrizione)],
        ["Target", f.oppure(o.target)],
        ["Risorse economiche preventivate", f.oppure(risorse_economiche)],
        ["Risorse di personale dedicate", f.oppure(o.risorse_personale)],
        [
            "L'obiettivo è trasversale ed integrato con altre aree di policy?",
            ("Sì: " + "; ".join(str(a) for a in aree)) if aree else "No",
        ],
        ["Presenta aspetti di integrazione sociosanitaria?", f.si_no(o.integrazione_sociosanitaria)],
        [f"È in continuità con la programmazione precedente{precedente_label}?", continuita],
        ["L'intervento è co-progettato con altri attori della rete?", f.si_no(o.coprogettato, o.partner)],
        ["Questo intervento a quale/i bisogno/i risponde?", f.oppure(o.bisogni)],
        [
            "Quali modalità organizzative, operative e di erogazione sono adottate? (indicatori di processo)",
            f.oppure(o.processo),
        ],
        ["Quali risultati vuole raggiungere? (indicatori di output)", f.oppure(o.output)],
        ["Quale impatto ha avuto l'intervento? (indicatori di outcome)", f.oppure(o.outcome)],
    ]
    leps = list(o.leps.all())
    if leps:
        righe.append(["LEPS attuati", "; ".join(str(x) for x in leps)])
    prov = list(o.obiettivi_provinciali.all())
    if prov:
        righe.append(["Obiettivi del Prologo provinciale", "; ".join(str(x) for x in prov)])
    fonte = o.fonte or "scheda obiettivo in Zona"
    blocchi = [
        Tabella(["Voce", "Contenuto"], righe, fonte=fonte, scheda=True, mostra_intestazione=False, larghezze=[2, 3])
    ]
    indicatori = list(o.indicatori.all())
    if indicatori:
        anni = piano.anni
        blocchi.append(
            Tabella(
                ["Tipo", "Indicatore", "Unità", "Baseline"] + [f"Atteso {a}" for a in anni],
                [
                    [
                        i.get_tipo_display(),
                        i.descrizione + (f" (dalla base di conoscenza: {i.indicatore.nome})" if i.indicatore else ""),
                        i.unita or f.VUOTO,
                        (f.numero(i.baseline, 2) + (f" ({i.anno_baseline})" if i.anno_baseline else ""))
                        if i.baseline is not None
                        else f.VUOTO,
                    ]
                    + [
                        f.numero(t, 2)
                        if (t := {x.anno: x.valore for x in i.target.all()}.get(a)) is not None
                        else f.VUOTO
                        for a in anni
                    ]
                    for i in indicatori
                ],
                fonte="indicatori e valori attesi dell'obiettivo in Zona",
                didascalia=f"Indicatori dell'obiettivo {o.codice}",
                numeriche=frozenset(range(3, 4 + len(anni))),
                larghezze=[1.1, 5, 1.1, 1.3] + [1.1] * len(anni),
            )
        )
    azioni = list(o.azioni.all())
    if azioni:
        blocchi.append(
            Tabella(
                ["Azione", "Responsabile", "Inizio", "Scadenza", "Stato"],
                [
                    [a.titolo, a.responsabile or f.VUOTO, f.data(a.inizio), f.data(a.scadenza), a.get_stato_display()]
                    for a in azioni
                ],
                fonte="azioni dell'obiettivo in Zona",
                didascalia=f"Azioni dell'obiettivo {o.codice}",
                larghezze=[4, 2, 1.2, 1.2, 1.5],
            )
        )
    risorse = list(o.risorse.all())
    if risorse:
        blocchi.append(
            Tabella(
                ["Anno", "Fondo", "Importo (€)"],
                [[str(r.anno), r.get_fondo_display(), f.numero(r.importo, 2)] for r in risorse],
                fonte="risorse dell'obiettivo in Zona",
                didascalia=f"Risorse dell'obiettivo {o.codice}",
                numeriche=frozenset({2}),
                totale=["Totale", "", f.numero(sum(r.importo for r in risorse), 2)],
                larghezze=[1, 4, 1.6],
            )
        )
    return blocchi


# --- 6. resources --------------------------------------------------------------------------


def _tabella_riepilogo(r, fonte):
    return Tabella(
        ["Fondo"] + [str(a) for a in r.anni] + ["Totale"],
        [[nome] + [f.numero(i, 2) for i in importi] + [f.numero(t, 2)] for _, nome, importi, t in r.righe],
        fonte=fonte,
        didascalia="Risorse per fondo e per anno (€)",
        numeriche=frozenset(range(1, len(r.anni) + 2)),
        larghezze=[3.5] + [1.4] * (len(r.anni) + 1),
        totale=["Totale"] + [f.numero(t, 2) for t in r.totali_anno] + [f.numero(r.totale, 2)],
    )


def _risorse(doc, piano, obiettivi):
    cap = doc.capitolo("Le risorse")
    r = programmazione.riepilogo_finanziario(piano)
    preventivati = programmazione.importi_preventivati(piano, obiettivi)
    if not r.righe and not preventivati.righe:
        cap.blocchi.append(_nota("Nessuna risorsa economica è registrata negli obiettivi del piano."))
        return
    if r.righe:
        doc.sezione(cap, "Risorse per fondo e per anno")
        cap.blocchi.append(
            _tabella_riepilogo(r, "risorse per anno e fondo delle schede obiettivo del piano in Zona (somma)")
        )
    if preventivati.righe:
        doc.sezione(cap, "Importi preventivati nelle schede obiettivo")
        # Annual costs and amounts for the whole triennio are added only in triennial terms.
        cap.blocchi.append(
            Tabella(
                ["Obiettivo", "Importo (€)", "Periodo", f"Nel triennio (€, {preventivati.anni} anni)"],
                [
                    [
                        f"{p.obiettivo.codice} – {p.obiettivo.titolo}",
                        f.numero(p.importo, 2),
                        p.obiettivo.get_periodo_budget_display(),
                        f.numero(p.importo_triennio, 2),
                    ]
                    for p in preventivati.righe
                ],
                fonte="campo «risorse economiche preventivate» delle schede obiettivo in Zona; "
                "gli importi annuali contano una volta per ogni anno del piano",
                numeriche=frozenset({1, 3}),
                totale=["Totale nel triennio", "", "", f.numero(preventivati.totale_triennio, 2)],
                larghezze=[3.2, 1.2, 1.2, 1.4],
            )
        )


# --- 7. information system -----------------------------------------------------------------


def _sistema_informativo(doc, piano, ambito, obiettivi):
    cap = doc.capitolo("Il Sistema informativo a supporto della programmazione")
    indicatori = IndicatoreObiettivo.objects.filter(obiettivo__piano=piano)
    misure = Misurazione.objects.filter(indicatore__obiettivo__piano=piano)
    osservazioni = Osservazione.objects.attive().filter(livello=Livello.AMBITO, codice_territorio=ambito.pk)
    righe = [
        ["Obiettivi", str(len(obiettivi))],
        ["Indicatori degli obiettivi", str(indicatori.count())],
        ["di cui misurati dalla base di conoscenza", str(indicatori.filter(indicatore__isnull=False).count())],
        ["Valori attesi (target)", str(Target.objects.filter(indicatore__obiettivo__piano=piano).count())],
        ["Misurazioni registrate", str(misure.count())],
        ["di cui calcolate dalla base di conoscenza", str(misure.filter(calcolata=True).count())],
        ["Impegni di spesa registrati", str(Impegno.objects.filter(obiettivo__piano=piano).count())],
        ["Schede di valutazione (Tabella 2)", str(Valutazione.objects.filter(obiettivo__piano=piano).count())],
        ["Dati di base caricati al livello dell'Ambito", str(osservazioni.count())],
        ["Misure con dati al livello dell'Ambito", str(osservazioni.values("misura").distinct().count())],
    ]
    cap.blocchi.append(
        Paragrafo(
            "Questo documento è generato da Zona, il sistema informativo dei Piani di Zona, dai dati che vi sono "
            "registrati. "
            "La tabella riassume quali dati del piano e dell'Ambito il sistema contiene."
        )
    )
    cap.blocchi.append(
        Tabella(
            ["Dato", "Numero"],
            righe,
            fonte=f"Zona, al {f.data(datetime.date.today())}",
            numeriche=frozenset({1}),
            larghezze=[4, 1],
        )
    )


# --- 8. timing -----------------------------------------------------------------------------


def _tabella_scadenze(elenco, didascalia):
    return Tabella(
        ["Data", "Scadenza", "Esito", "Dettaglio"],
        [[f.data(s.data), s.cosa, s.esito.capitalize(), s.dettaglio or f.VUOTO] for s in elenco],
        fonte="calendario del monitoraggio calcolato da Zona "
        "(monitoraggi semestrali entro la fine del mese dopo il semestre, "
        "valutazione entro il 31 marzo dopo il triennio, scadenze delle azioni)",
        didascalia=didascalia,
        larghezze=[1.2, 4.5, 1.3, 3],
    )


def _tempi(doc, piano, oggi):
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
            Tabella(
                ["Passaggio", "Data", "Atto"],
                [[c, f.data(d), n or f.VUOTO] for c, d, n in date],
                fonte="iter del piano in Zona",
                larghezze=[3, 1.2, 4],
            )
        )
    else:
        cap.blocchi.append(_nota("Nessun passaggio dell'iter del piano è ancora registrato: il piano è in bozza."))
    doc.sezione(cap, "Calendario del monitoraggio")
    elenco = monitoraggio.scadenze(piano, oggi)
    if not elenco:
        cap.blocchi.append(
            _nota("Il calendario del monitoraggio decorre dall'approvazione del piano, che è ancora in bozza.")
        )
        return
    cap.blocchi.append(_tabella_scadenze(elenco, f"Scadenze del piano, situazione al {f.data(oggi)}"))


# --- six-monthly monitoring report ---------------------------------------------------------


def semestre_di_riferimento(oggi):
    """The last semester ended by `oggi`: (anno, semestre)."""
    return (oggi.year, 1) if oggi.month > 6 else (oggi.year - 1, 2)


def relazione_monitoraggio(piano, oggi=None):
    """The six-monthly monitoring report of a plan: status, rollup, measurements against
    targets per objective, resources committed, deadlines."""
    oggi = oggi or datetime.date.today()
    ambito = piano.ambito
    # The last semester ended, within the plan's triennio (a report asked after the end of the
    # plan is about its last semester).
    anno, semestre = min(max(semestre_di_riferimento(oggi), (piano.anno_inizio, 1)), (piano.anno_fine, 2))
    bozza = piano.stato == StatoPiano.BOZZA
    doc = Documento(
        titolo="Relazione di monitoraggio",
        ente=f"Ambito territoriale {ambito.nome}",
        frontespizio=[
            f"Piano di Zona {piano.triennio}",
            f"Monitoraggio del {semestre}° semestre {anno}, situazione al {f.data(oggi)}",
            f"Stato del piano: {_stato_piano(piano)}",
        ],
        intestazione=f"Relazione di monitoraggio · Piano di Zona {piano.triennio} · Ambito {ambito.nome}"
        + (" · BOZZA" if bozza else ""),
        nome_file=f"relazione-monitoraggio-{ambito.pk}-{piano.triennio}-{anno}-{semestre}",
        bozza=bozza,
    )
    obiettivi = list(programmazione.obiettivi_del_piano(piano))
    fonte_piano = "obiettivi del piano in Zona" + (f" ({piano.fonte})" if piano.fonte else "")

    cap = doc.capitolo("Il piano")
    r = programmazione.riepilogo_finanziario(piano)
    cap.blocchi.append(
        Tabella(
            ["Voce", "Valore"],
            [
                ["Stato", _stato_piano(piano)],
                ["Triennio", piano.triennio],
                ["Obiettivi", str(len(obiettivi))],
                ["Indicatori", str(sum(len(o.indicatori.all()) for o in obiettivi))],
                ["Risorse programmate", f.euro(r.totale) if r.righe else "nessuna registrata"],
            ],
            fonte=fonte_piano,
            scheda=True,
            larghezze=[1, 2],
        )
    )
    if r.righe:
        cap.blocchi.append(
            _tabella_riepilogo(r, "risorse per anno e fondo delle schede obiettivo del piano in Zona (somma)")
        )

    cap = doc.capitolo("Stato di attuazione")
    att = monitoraggio.attuazione(piano)
    if att.righe:
        cap.blocchi.append(
            _tabella_attuazione(
                att, "stato di attuazione registrato sugli obiettivi in Zona; conteggi e percentuali calcolati"
            )
        )
    else:
        cap.blocchi.append(_nota("Lo stato di attuazione degli obiettivi non è registrato."))
    if att.verifiche:
        cap.blocchi.append(Elenco(att.verifiche))

    cap = doc.capitolo("Misurazioni e valori attesi")
    _misurazioni(doc, cap, piano, obiettivi)

    cap = doc.capitolo("Risorse stanziate e impegnate")
    _impegni(cap, obiettivi)

    cap = doc.capitolo("Scadenze")
    elenco = monitoraggio.scadenze(piano, oggi)
    if not elenco:
        cap.blocchi.append(
            _nota("Il calendario del monitoraggio decorre dall'approvazione del piano, che è ancora in bozza.")
        )
    else:
        ritardo = [s for s in elenco if s.esito == monitoraggio.IN_RITARDO]
        doc.sezione(cap, "Scadenze in ritardo")
        if ritardo:
            cap.blocchi.append(_tabella_scadenze(ritardo, f"Scadenze superate senza adempimento al {f.data(oggi)}"))
        else:
            cap.blocchi.append(_nota(f"Nessuna scadenza in ritardo al {f.data(oggi)}."))
        doc.sezione(cap, "Calendario completo")
        cap.blocchi.append(_tabella_scadenze(elenco, f"Scadenze del piano, situazione al {f.data(oggi)}"))
    return doc


def _misurazioni(doc, cap, piano, obiettivi):
    misure = defaultdict(list)
    for m in Misurazione.objects.filter(indicatore__obiettivo__piano=piano).order_by("anno", "semestre"):
        misure[m.indicatore_id].append(m)
    con_indicatori = [o for o in obiettivi if o.indicatori.all()]
    if not con_indicatori:
        cap.blocchi.append(_nota("Nessun obiettivo del piano ha indicatori registrati."))
        return
    doc.sezione(cap, "Sintesi per obiettivo")
    righe = []
    for o in con_indicatori:
        ind = list(o.indicatori.all())
        misurati = [i for i in ind if misure[i.pk]]
        ultime = [m for i in ind for m in misure[i.pk]]
        ultima = max(ultime, key=lambda m: (m.anno, m.semestre or 3)).periodo if ultime else f.VUOTO
        righe.append([f"{o.codice} – {o.titolo}", str(len(ind)), str(len(misurati)), ultima])
    cap.blocchi.append(
        Tabella(
            ["Obiettivo", "Indicatori", "Con misurazioni", "Ultimo periodo misurato"],
            righe,
            fonte="indicatori e misurazioni del piano in Zona",
            numeriche=frozenset({1, 2}),
            larghezze=[5, 1.2, 1.4, 1.8],
        )
    )
    doc.sezione(cap, "Misurazioni a confronto con i valori attesi")
    misurati = [o for o in con_indicatori if any(misure[i.pk] for i in o.indicatori.all())]
    if not misurati:
        cap.blocchi.append(_nota("Nessuna misurazione è ancora registrata per gli indicatori del piano."))
        return
    for o in misurati:
        righe = []
        for i in o.indicatori.all():
            target = {t.anno: t.valore for t in i.target.all()}
            for m in misure[i.pk]:
                atteso = target.get(m.anno)
                scarto = f.numero(m.valore - atteso, 2) if atteso is not None else f.VUOTO
                origine = "calcolata dalla base di conoscenza" if m.calcolata else "inserita"
                righe.append([i.descrizione, m.periodo, f.numero(m.valore, 2), f.numero(atteso, 2), scarto, origine])
        cap.blocchi.append(Titolo(f"{o.codice} – {o.titolo}", 3))
        cap.blocchi.append(
            Tabella(
                ["Indicatore", "Periodo", "Misurato", "Atteso nell'anno", "Scarto", "Origine"],
                righe,
                fonte="misurazioni e valori attesi in Zona"
                + "".join(f"; {m.fonte}" for i in o.indicatori.all() for m in misure[i.pk] if m.fonte),
                numeriche=frozenset({2, 3, 4}),
                larghezze=[4, 1.6, 1.2, 1.2, 1.2, 1.6],
            )
        )


def _impegni(cap, obiettivi):
    righe = []
    for o in obiettivi:
        dettaglio = monitoraggio.risorse_e_impegni(o)
        if not any(imp or liq for *_, imp, liq in dettaglio):
            continue
        coincidenza = monitoraggio.coincidenza_risorse(o)
        for n, (anno, fondo, stanziato, impegnato, liquidato) in enumerate(dettaglio):
            riga = (
                [Cella(f"{o.codice} – {o.titolo}\ncoincidenza {f.percentuale(coincidenza)}", righe=len(dettaglio))]
                if n == 0
                else []
            )
            righe.append(
                riga + [str(anno), fondo, f.numero(stanziato, 2), f.numero(impegnato, 2), f.numero(liquidato, 2)]
            )
    if not righe:
        cap.blocchi.append(_nota("Nessun impegno di spesa è registrato per gli obiettivi del piano."))
        return
    cap.blocchi.append(
        Tabella(
            ["Obiettivo", "Anno", "Fondo", "Stanziato (€)", "Impegnato (€)", "Liquidato (€)"],
            righe,
            fonte="risorse e impegni degli obiettivi in Zona; coincidenza = impegnato / stanziato (Tabella 2)",
            numeriche=frozenset({3, 4, 5}),
            larghezze=[3.5, 0.8, 2.5, 1.4, 1.4, 1.4],
        )
    )


# --- provincial report ---------------------------------------------------------------------


def relazione_provinciale(anno_inizio, user, oggi=None):
    """All the Ambiti's plans of the triennio starting in `anno_inizio` side by side: status
    rollups, objectives per area, budgets per fund, shared objectives. Only the plans `user`
    may read are counted."""
    oggi = oggi or datetime.date.today()
    confronto = programmazione.confronto_piani(anno_inizio, user)
    piani = [r["piano"] for r in confronto["righe"]]
    triennio = f"{anno_inizio}-{anno_inizio + 2}"
    ats = ", ".join(a.nome for a in ATS.objects.all())
    doc = Documento(
        titolo=f"Relazione provinciale sui Piani di Zona {triennio}",
        ente=ats or "Coordinamento provinciale",
        frontespizio=[
            f"I piani dei {Ambito.objects.count()} Ambiti territoriali a confronto",
            f"Situazione al {f.data(oggi)}",
        ],
        intestazione=f"Relazione provinciale · Piani di Zona {triennio}",
        nome_file=f"relazione-provinciale-{triennio}",
        orizzontale=True,
    )
    fonte_piani = "piani di Zona registrati in Zona (solo quelli leggibili da chi genera il documento)"

    cap = doc.capitolo("I piani del triennio")
    if not piani:
        cap.blocchi.append(_nota(f"Nessun Piano di Zona che inizi nel {anno_inizio} è registrato in Zona."))
    else:
        cap.blocchi.append(
            Tabella(
                ["Ambito", "Triennio", "Stato", "Approvato il", "Obiettivi", "Risorse (€)"],
                [
                    [
                        r["piano"].ambito.nome,
                        r["piano"].triennio,
                        r["piano"].get_stato_display(),
                        f.data(r["piano"].approvato_il),
                        str(r["obiettivi"]),
                        f.numero(r["budget"], 2),
                    ]
                    for r in confronto["righe"]
                ],
                fonte=fonte_piani,
                numeriche=frozenset({4, 5}),
                larghezze=[3, 1.2, 3, 1.3, 1, 1.6],
                totale=[
                    "Totale",
                    "",
                    "",
                    "",
                    str(sum(r["obiettivi"] for r in confronto["righe"])),
                    f.numero(sum(r["budget"] for r in confronto["righe"]), 2),
                ],
            )
        )
    con_piano = {p.ambito_id for p in piani}
    mancanti = [a.nome for a in Ambito.objects.all() if a.pk not in con_piano]
    if mancanti:
        cap.blocchi.append(
            Paragrafo(f"Ambiti senza un piano del triennio in Zona ({len(mancanti)}): {', '.join(mancanti)}.")
        )

    cap = doc.capitolo("Stato di attuazione per Ambito")
    prov = monitoraggio.attuazione_provinciale(anno_inizio, piani)
    if not prov["righe"]:
        cap.blocchi.append(_nota("Nessun piano del triennio da confrontare."))
    else:
        stati = prov["stati"]
        righe = [
            [r["piano"].ambito.nome] + [str(x.numero) if x else "0" for x in r["per_stato"]] + [str(r["totale"])]
            for r in prov["righe"]
        ]
        righe.append(
            [Cella("Provincia", intestazione=True)]
            + [str(n) for _, n, _ in prov["complessivo"]]
            + [str(prov["totale"])]
        )
        cap.blocchi.append(
            Tabella(
                ["Ambito"] + [etichetta for _, etichetta in stati] + ["Totale"],
                righe,
                fonte=(
                    "stato di attuazione degli obiettivi di ciascun piano "
                    "(o conteggi dichiarati dalle fonti dove mancano)"
                ),
                numeriche=frozenset(range(1, len(stati) + 2)),
                larghezze=[3] + [1.2] * (len(stati) + 1),
                totale=["Quota sul totale"]
                + [f.percentuale(p) for _, _, p in prov["complessivo"]]
                + ["100%" if prov["totale"] else f.VUOTO],
            )
        )

    cap = doc.capitolo("Obiettivi per area di policy")
    if not piani:
        cap.blocchi.append(_nota("Nessun piano del triennio da confrontare."))
    else:
        aree = confronto["aree"]
        cap.blocchi.append(
            Tabella(
                ["Ambito"] + [a.codice for a in aree] + ["Totale"],
                [
                    [r["piano"].ambito.nome] + [str(n) for n in r["per_area"]] + [str(r["obiettivi"])]
                    for r in confronto["righe"]
                ],
                fonte=fonte_piani + "; area principale di ogni obiettivo",
                numeriche=frozenset(range(1, len(aree) + 2)),
                larghezze=[3] + [0.6] * len(aree) + [0.9],
                totale=["Totale"]
                + [str(sum(r["per_area"][i] for r in confronto["righe"])) for i in range(len(aree))]
                + [str(sum(r["obiettivi"] for r in confronto["righe"]))],
            )
        )
        cap.blocchi.append(Elenco([str(a) for a in aree]))

    cap = doc.capitolo("Risorse per fondo")
    fondi = [
        (i, fondo) for i, fondo in enumerate(confronto["fondi"]) if any(r["per_fondo"][i] for r in confronto["righe"])
    ]
    if not fondi:
        cap.blocchi.append(_nota("Nessuna risorsa per fondo è registrata negli obiettivi dei piani del triennio."))
    else:
        cap.blocchi.append(
            Tabella(
                ["Ambito"] + [fondo.label.split(" – ")[0] for _, fondo in fondi] + ["Totale"],
                [
                    [r["piano"].ambito.nome]
                    + [f.numero(r["per_fondo"][i], 2) for i, _ in fondi]
                    + [f.numero(r["budget"], 2)]
                    for r in confronto["righe"]
                ],
                fonte=fonte_piani + "; somma delle risorse per fondo degli obiettivi (€)",
                numeriche=frozenset(range(1, len(fondi) + 2)),
                larghezze=[3] + [1.4] * (len(fondi) + 1),
                totale=["Totale"]
                + [f.numero(sum(r["per_fondo"][i] for r in confronto["righe"]), 2) for i, _ in fondi]
                + [f.numero(sum(r["budget"] for r in confronto["righe"]), 2)],
            )
        )

    cap = doc.capitolo("Obiettivi condivisi")
    doc.sezione(cap, "Obiettivi del Prologo provinciale")
    prologo = Prologo.objects.filter(anno_inizio=anno_inizio).first()
    if prologo is None:
        cap.blocchi.append(
            _nota(f"Nessun Prologo provinciale per il triennio che inizia nel {anno_inizio} è registrato in Zona.")
        )
    else:
        collegati = defaultdict(list)
        for op_id, codice, ambito in ObiettivoProvinciale.objects.filter(
            prologo=prologo, obiettivi_di_piano__piano__in=piani
        ).values_list("pk", "obiettivi_di_piano__codice", "obiettivi_di_piano__piano__ambito__nome"):
            collegati[op_id].append(f"{ambito} {codice}")
        cap.blocchi.append(
            Tabella(
                ["Codice", "Tipo", "Obiettivo", "Obiettivi dei piani collegati"],
                [
                    [o.codice, o.get_tipo_display(), o.titolo, ", ".join(collegati[o.pk]) or "nessuno"]
                    for o in prologo.obiettivi.all()
                ],
                fonte=prologo.fonte or prologo.titolo,
                didascalia=prologo.titolo,
                larghezze=[0.8, 1.4, 5, 3],
            )
        )
    doc.sezione(cap, "Obiettivi sovrazonali e premialità")
    esiti, premi = programmazione.premialita(anno_inizio)
    if not esiti:
        cap.blocchi.append(
            _nota(f"Nessun obiettivo sovrazonale del triennio che inizia nel {anno_inizio} è registrato in Zona.")
        )
    else:
        cap.blocchi.append(
            Tabella(
                ["Obiettivo sovrazonale", "Area", "Ambiti", "Premiale", "Motivi"],
                [
                    [
                        e.obiettivo.titolo,
                        e.obiettivo.area_policy_id,
                        ", ".join(a.nome for a in e.ambiti),
                        "Sì" if e.valido else "No",
                        "; ".join(e.motivi) or f.VUOTO,
                    ]
                    for e in esiti
                ],
                fonte="obiettivi sovrazonali in Zona; condizioni delle linee di indirizzo regionali",
                larghezze=[3, 0.7, 3, 1, 3],
            )
        )
        if premi:
            cap.blocchi.append(
                Tabella(
                    ["Ambito", "Obiettivi validi", "Quota (€)", "Acconto 20% (€)", "Saldo (€)", "Nota"],
                    [
                        [
                            p.ambito.nome,
                            str(len(p.obiettivi)),
                            f.numero(p.importo, 2),
                            f.numero(p.acconto, 2),
                            f.numero(p.saldo, 2),
                            p.nota or f.VUOTO,
                        ]
                        for p in premi
                    ],
                    fonte="calcolo della quota premiale secondo le linee di indirizzo regionali",
                    numeriche=frozenset({1, 2, 3, 4}),
                    larghezze=[3, 1.2, 1.4, 1.4, 1.4, 3],
                )
            )
    return doc


def piani_del_triennio(anno_inizio):
    """The plans starting in `anno_inizio`, one per Ambito (for batches)."""
    return Piano.objects.filter(anno_inizio=anno_inizio).select_related("ambito").order_by("ambito__nome")


__all__ = [
    "documento_piano",
    "relazione_monitoraggio",
    "relazione_provinciale",
    "piani_del_triennio",
    "semestre_di_riferimento",
]
