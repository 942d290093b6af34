"""Chapter 5: the new programming, the synoptic table, shared objectives and one Tabella 3
sheet per objective (`obiettivi.py`)."""

from collections import defaultdict

from offerta.leps import RAGGIUNTO
from zona.lib import formato as f

from .. import tabelle as t
from ..modello import Cella, Paragrafo, Titolo
from . import obiettivi as schede


def scrivi(doc, dati):
    piano = dati.piano
    cap = doc.capitolo(f"La nuova programmazione {piano.triennio}")
    if not dati.schede:
        cap.blocchi.append(t.nota("Il piano non ha ancora obiettivi registrati in Zona."))
        return
    fonte = t.con_fonte("schede obiettivo del piano in Zona", piano.fonte)
    macroaree = sum(1 for r in dati.sinottica if r["macroarea"])
    cap.blocchi.append(Paragrafo(f"Il piano conta {len(dati.schede)} obiettivi in {macroaree} macroaree dell'Ambito."))
    doc.sezione(cap, "Macroaree, aree di policy e obiettivi")
    cap.blocchi.append(
        t.tabella(
            [t.testo("Macroarea dell'Ambito", 2.4), t.testo("Aree di policy regionali", 2.8)]
            + [t.testo("Obiettivo", 4), t.testo("Aree", 1)],
            _sinottica(dati),
            fonte,
            didascalia="Tabella sinottica: macroaree dell'Ambito, aree di policy regionali (A-J) e obiettivi",
        )
    )
    doc.sezione(cap, "Obiettivi per area di policy regionale")
    cap.blocchi.append(
        t.tabella(
            [t.testo("Area di policy", 4), t.numero("Area principale", 1.2), t.numero("Area trasversale", 1.2)]
            + [t.testo("Obiettivi", 3)],
            [
                [str(a), str(len(p)), str(len(tr)), ", ".join(o.codice for o in p) or f.VUOTO]
                for a, p, tr in dati.matrice_aree
            ],
            fonte,
            didascalia="Numero di obiettivi per area di policy (A-J)",
        )
    )
    _condivisi(doc, cap, dati)
    _leps(doc, cap, dati)
    per_area = defaultdict(list)
    for s in dati.schede:
        per_area[s.obiettivo.area_policy].append(s)
    for area in sorted(per_area, key=lambda a: a.codice if a else "~"):
        doc.sezione(cap, f"Area {area}" if area else "Azioni di sistema (fuori dalle aree A-J)")
        for s in per_area[area]:
            cap.blocchi.append(Titolo(t.titolo_obiettivo(s.obiettivo), 3))
            cap.blocchi += schede.tabella3(s, piano, dati.precedente)


def _sinottica(dati):
    aree_di = {s.obiettivo.pk: s.aree_trasversali for s in dati.schede}
    righe = []
    for r in dati.sinottica:
        macro = r["macroarea"].titolo if r["macroarea"] else "Senza macroarea"
        aree = "\n".join(str(a) for a in r["aree"]) or f.VUOTO
        elenco = r["obiettivi"]
        if not elenco:
            righe.append([macro, aree, Cella("Nessun obiettivo"), ""])
            continue
        for i, o in enumerate(elenco):
            codici = ", ".join([o.area_policy_id or "sistema"] + [a.codice for a in aree_di[o.pk]])
            testa = [Cella(macro, righe=len(elenco), intestazione=True), Cella(aree, righe=len(elenco))]
            righe.append((testa if i == 0 else []) + [t.titolo_obiettivo(o), codici])
    return righe


def _condivisi(doc, cap, dati):
    provinciali = [(s.obiettivo, s.provinciali) for s in dati.schede if s.provinciali]
    sovrazonali = dati.sovrazonali
    doc.sezione(cap, "Obiettivi condivisi: Prologo provinciale e programmazione sovrazonale")
    if not provinciali and not sovrazonali:
        cap.blocchi.append(
            t.nota(
                "Nessun obiettivo del piano è collegato a un obiettivo del Prologo provinciale "
                "o a un obiettivo sovrazonale."
            )
        )
        return
    if provinciali:
        cap.blocchi.append(
            t.tabella(
                [t.testo("Obiettivo del piano"), t.testo("Obiettivi del Prologo provinciale")],
                [[t.titolo_obiettivo(o), "; ".join(str(p) for p in ps)] for o, ps in provinciali],
                "collegamenti tra obiettivi del piano e del Prologo in Zona",
            )
        )
    if sovrazonali:
        cap.blocchi.append(
            t.tabella(
                [t.testo("Obiettivo sovrazonale", 3), t.testo("Area", 0.8), t.testo("Ambiti", 3)]
                + [t.testo("Obiettivi del piano", 1.5)],
                [
                    [
                        s.sovrazonale.titolo,
                        s.sovrazonale.area_policy_id,
                        ", ".join(a.nome for a in s.ambiti),
                        ", ".join(o.codice for o in s.obiettivi),
                    ]
                    for s in sovrazonali
                ],
                "obiettivi sovrazonali registrati in Zona",
            )
        )


def _leps(doc, cap, dati):
    """Every LEPS with its status for the Ambito and the objectives that implement it
    (offerta.leps.LepsDelPiano): what the plan does about the essential levels."""
    leps = dati.leps
    doc.sezione(cap, "I livelli essenziali delle prestazioni sociali (LEPS)")
    if not leps.righe:
        cap.blocchi.append(t.nota("Il catalogo dei LEPS è vuoto."))
        return
    cap.blocchi.append(
        Paragrafo(
            f"Lo stato di ciascun LEPS nell'Ambito nel {leps.anno} e gli obiettivi del piano che lo attuano. "
            "«Dato mancante»: nessun dato registrato per quell'anno, mai una stima."
        )
    )
    righe = []
    for r in leps.righe:
        s = r.stato
        soglia = f.VUOTO if s.soglia is None else f"{s.segno_soglia} {_cifra(s.soglia)}"
        valore = f.VUOTO if s.valore is None else _cifra(s.valore)
        righe.append([s.nome, s.indicatore or f.VUOTO, valore, soglia, s.stato, "\n".join(r.obiettivi) or f.VUOTO])
    cap.blocchi.append(
        t.tabella(
            [t.testo("LEPS", 2.4), t.testo("Indicatore", 2.6), t.numero("Valore", 1), t.numero("Soglia", 1.2)]
            + [t.testo("Stato", 1.3), t.testo("Obiettivi del piano", 3)],
            righe,
            "Zona: catalogo dei LEPS, dati registrati dall'Ufficio di Piano e base di conoscenza",
            didascalia=f"LEPS nell'Ambito {dati.ambito.nome}, {leps.anno}: stato e obiettivi che li attuano",
        )
    )
    scoperti = [r.stato.nome for r in leps.senza_obiettivi if r.stato.stato != RAGGIUNTO]
    if scoperti:
        cap.blocchi.append(
            t.nota(f"LEPS non raggiunti o senza dato e senza un obiettivo del piano: {'; '.join(scoperti)}.")
        )


def _cifra(valore):
    """A LEPS figure: whole where it is whole (residents, Comuni), else two decimals."""
    return f.numero(valore, 0 if valore == valore.to_integral_value() else 2)
