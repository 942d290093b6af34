"""Changes to the registry. Every function here either completes or changes nothing."""

import csv
import datetime
import difflib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from zona.lib import importazione, valori
from zona.lib.importazione import Colonna, RigaErrata, Tracciato
from zona.lib.locking import salva_con_versione
from zona.lib.tabular import Errore, FileRifiutato
from zona.lib.text import normalizza
from zona.lib.valori import mostra

from . import istat
from .models import (
    ASST,
    ATS,
    AliasComune,
    Ambito,
    AmbitoDistretto,
    AppartenenzaComune,
    Capofila,
    Comune,
    Distretto,
    Ente,
    Incarico,
    Organo,
    Persona,
    Regione,
    TipoOrgano,
    TipoVariazione,
    VariazioneComune,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

PROLOGO_2025 = "Prologo ai Piani di Zona 2025-2027 (approvato il 02/12/2024)"
# The Prologo 2025-2027 lists the Comuni of each Ambito; the sources for 2021-2023 (the Alto
# Sebino plan) give the same composition, so the demo assumes it unchanged since 2021 and says
# so in the membership's source. Earlier years need the ISTAT list of suppressed Comuni.
INIZIO_APPARTENENZE = datetime.date(2021, 1, 1)
FONTE_APPARTENENZE = PROLOGO_2025 + "; composizione assunta invariata dal triennio 2021-2023"
DATA_PROLOGO_2025 = datetime.date(2024, 12, 2)


def _csv_rows(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def con_schema(sito):
    """A website as the sources print it ("www.ambitodidalmine.it") as a URL: https:// added
    when there is no scheme, as the edit form does."""
    sito = (sito or "").strip()
    return f"https://{sito}" if sito and "://" not in sito else sito


def _data_opzionale(testo):
    return datetime.date.fromisoformat(testo) if testo else None


# ---------------------------------------------------------------------------------------
# Resolving names of Comuni


class Risolutore:
    """Resolves the names that sources use to Comuni of one or more provinces."""

    def __init__(self, comuni, alias):
        # A name may belong to a suppressed Comune and to its successor (Sant'Omobono Terme,
        # Torre de' Busi under two provinces): the name resolves to the Comune in existence.
        comuni = sorted(comuni, key=lambda c: (c.soppresso_il is None, c.soppresso_il or datetime.date.max))
        self.per_nome = {c.nome_normalizzato: c for c in comuni}
        self.per_codice = {c.codice_istat: c for c in comuni}
        self.per_alias = {a.nome_normalizzato: a.comune for a in alias if a.comune_id in self.per_codice}

    @classmethod
    def per_province(cls, sigle):
        comuni = list(Comune.objects.filter(sigla_provincia__in=sigle))
        alias = AliasComune.objects.filter(comune__sigla_provincia__in=sigle).select_related("comune")
        return cls(comuni, alias)

    def risolvi(self, nome):
        chiave = normalizza(nome)
        return self.per_nome.get(chiave) or self.per_alias.get(chiave)

    def candidati(self, nome, n=3):
        chiavi = difflib.get_close_matches(normalizza(nome), list(self.per_nome), n=n, cutoff=0.6)
        return [self.per_nome[k] for k in chiavi]

    # Suggestions compare the name with every Comune (difflib): a file of thousands of wrong
    # names gets them for the first few only, so that its import stays linear.
    MAX_SUGGERIMENTI = 50

    def errore_nome(self, nome):
        if not hasattr(self, "_suggeriti"):
            self._suggeriti = {}
        if nome not in self._suggeriti and len(self._suggeriti) < self.MAX_SUGGERIMENTI and len(nome) <= 100:
            candidati = self.candidati(nome)
            self._suggeriti[nome] = (
                "; forse: " + ", ".join(f"{c.nome} ({c.codice_istat})" for c in candidati)
                if candidati
                else "; nessun Comune con un nome simile"
            )
        return (
            f"il Comune «{mostra(nome)}» non è nell'elenco ISTAT né tra i nomi alternativi"
            f"{self._suggeriti.get(nome, '')}. Correggere il nome o aggiungere un nome alternativo."
        )


# ---------------------------------------------------------------------------------------
# Loading the official list and the Bergamo structure


def carica_comuni_istat(sigle_provincia):
    """Create or update the Comuni of the given provinces from the ISTAT list."""
    righe = istat.comuni_istat(sigle_provincia)
    with transaction.atomic():
        for r in righe:
            regione, _ = Regione.objects.get_or_create(codice=r.codice_regione, defaults={"nome": r.regione})
            comune = Comune.objects.filter(pk=r.codice_istat).first() or Comune(codice_istat=r.codice_istat)
            nuovi = {
                "nome": r.nome,
                "sigla_provincia": r.sigla_provincia,
                "provincia": r.provincia,
                "regione": regione,
                "codice_catastale": r.codice_catastale,
            }
            if comune._state.adding or any(getattr(comune, k) != v for k, v in nuovi.items()):
                for k, v in nuovi.items():
                    setattr(comune, k, v)
                comune.save()
    return len(righe)


def carica_storia_comuni():
    """The ISTAT history of the Comuni since 2000 (data/comuni_storici.csv and
    data/variazioni_comuni.csv, sources in data/README.md): the suppressed Comuni, and for each
    change the day it takes effect. The predecessor exists until the day before (`soppresso_il`
    is the first day without it); a successor born by the change (a merger, a new code after a
    change of province) exists from that day. Run after carica_comuni_istat. Idempotent."""
    variazioni = _csv_rows("variazioni_comuni.csv")
    with transaction.atomic():
        for r in _csv_rows("comuni_storici.csv"):
            regione = Regione.objects.get(pk=r["codice_regione"])
            _upsert(
                Comune,
                r["codice_istat"],
                nome=r["nome"],
                sigla_provincia=r["sigla_provincia"],
                provincia=r["provincia"],
                regione=regione,
                codice_catastale=r["codice_catastale"],
            )
        for r in variazioni:
            data = datetime.date.fromisoformat(r["data"])
            precedente = Comune.objects.get(pk=r["codice_precedente"])
            successivo = Comune.objects.get(pk=r["codice_successivo"])
            VariazioneComune.objects.update_or_create(
                precedente=precedente,
                successivo=successivo,
                data=data,
                defaults={
                    "tipo": r["tipo"],
                    "nome_precedente": r["nome_precedente"],
                    "atto": r["atto"],
                    "fonte": r["fonte"],
                },
            )
            if r["tipo"] == TipoVariazione.DENOMINAZIONE:
                continue
            if precedente.soppresso_il != data:
                precedente.soppresso_il = data
                precedente.save()
            if r["tipo"] in (TipoVariazione.FUSIONE, TipoVariazione.PROVINCIA) and successivo.istituito_il != data:
                successivo.istituito_il = data
                successivo.save()
    return len(variazioni)


def _upsert(model, pk, **valori):
    """update_or_create that writes (and so audits) only when something changed."""
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        return model.objects.create(pk=pk, **valori)
    cambiati = {k: v for k, v in valori.items() if getattr(obj, k) != v}
    if cambiati:
        for k, v in cambiati.items():
            setattr(obj, k, v)
        obj.save()
    return obj


def carica_struttura():
    """ATS, ASST, Distretti, Ambiti and their Uffici di Piano and enti capofila, with the periods
    the sources give (data/README.md)."""
    ambiti = {r["codice"]: r for r in _csv_rows("ambiti.csv")}
    with transaction.atomic():
        for r in _csv_rows("ats.csv"):
            _upsert(ATS, r["codice"], nome=r["nome"], regione=Regione.objects.get(pk=r["regione"]))
        for r in _csv_rows("asst.csv"):
            _upsert(ASST, r["codice"], nome=r["nome"], ats=ATS.objects.get(pk=r["ats"]))
        for r in _csv_rows("distretti.csv"):
            _upsert(Distretto, r["codice"], nome=r["nome"], asst=ASST.objects.get(pk=r["asst"]))
        for r in _csv_rows("ambiti_distretti.csv"):
            # The map of each period (data/ambiti_distretti.csv): the Distretti of L.r. 23/2015
            # until 24/7/2022, those of DGR 6762/2022 since.
            ambito = _upsert(Ambito, r["ambito"], nome=ambiti[r["ambito"]]["nome"])
            _periodo(AmbitoDistretto, ambito, r, distretto_id=r["distretto"])
        for r in _csv_rows("capofila.csv"):
            ente, _ = Ente.objects.get_or_create(nome=r["ente"], defaults={"forma_giuridica": r["forma_giuridica"]})
            _periodo(Capofila, Ambito.objects.get(pk=r["ambito"]), r, ente=ente)
        for r in ambiti.values():
            ambito = _upsert(Ambito, r["codice"], nome=r["nome"])
            _upsert(
                Organo,
                f"udp-{ambito.codice}",
                tipo=TipoOrgano.UFFICIO_DI_PIANO,
                nome=f"Ufficio di Piano dell'Ambito {ambito.nome}",
                ambito=ambito,
                indirizzo=r["udp_indirizzo"],
                telefono=r["udp_telefono"],
                email=r["udp_email"],
                sito_web=con_schema(r["udp_sito"]),
            )


def _periodo(model, ambito, r, **valori):
    """A period of an Ambito (keyed by its start) as the data file gives it: created, or
    updated where the file changed."""
    dal = datetime.date.fromisoformat(r["dal"])
    obj = model.objects.filter(ambito=ambito, dal=dal).first()
    valori = {**valori, "al": _data_opzionale(r["al"]), "fonte": r["fonte"]}
    if obj is None:
        return model.objects.create(ambito=ambito, dal=dal, **valori)
    cambiati = {k: v for k, v in valori.items() if getattr(obj, k) != v}
    if cambiati:
        for k, v in cambiati.items():
            setattr(obj, k, v)
        obj.save()
    return obj


def carica_alias():
    with transaction.atomic():
        for r in _csv_rows("alias_comuni.csv"):
            comune = Comune.objects.get(pk=r["codice_istat"])
            alias = AliasComune.objects.filter(nome_normalizzato=normalizza(r["alias"])).first()
            if alias is None:
                AliasComune.objects.create(nome=r["alias"], comune=comune, nota=r["nota"])
            elif alias.comune_id != comune.pk:
                raise ValueError(f"Il nome alternativo «{r['alias']}» indica già {alias.comune}.")


@dataclass
class RigaFonte:
    ambito: str
    nome_comune: str


def righe_prologo_2025():
    """The (Ambito, Comune) pairs of the Prologo 2025-2027 table, names as printed."""
    righe = []
    with open(DATA_DIR / "prologo_2025_2027_ambiti.tsv", encoding="utf-8") as f:
        for line in f:
            colonne = line.rstrip("\n").split("\t")
            for nome in colonne[1].split(","):
                if nome.strip():
                    righe.append(RigaFonte(colonne[0].strip(), nome.strip()))
    return righe


def ambiti_per_nome_fonte():
    return {r["nome_fonte"]: r["codice"] for r in _csv_rows("ambiti.csv")}


def carica_appartenenze_prologo_2025():
    """Comune -> Ambito from the Prologo table. Every name must resolve, or nothing loads."""
    risolutore = Risolutore.per_province(["BG"])
    codici_ambito = ambiti_per_nome_fonte()
    errori = []
    coppie = []
    for i, riga in enumerate(righe_prologo_2025(), start=1):
        comune = risolutore.risolvi(riga.nome_comune)
        if comune is None:
            errori.append(Errore(i, "Comuni", risolutore.errore_nome(riga.nome_comune)))
        elif riga.ambito not in codici_ambito:
            errori.append(Errore(i, "Ambito", f"l'Ambito «{riga.ambito}» non è in anagrafe."))
        else:
            coppie.append((comune, codici_ambito[riga.ambito]))
    if errori:
        raise FileRifiutato(errori)
    with transaction.atomic():
        for comune, codice_ambito in coppie:
            AppartenenzaComune.objects.get_or_create(
                comune=comune,
                dal=INIZIO_APPARTENENZE,
                defaults={"ambito_id": codice_ambito, "fonte": FONTE_APPARTENENZE},
            )
    return len(coppie)


def carica_organi():
    """Governance bodies and their office holders as the Prologo 2025-2027 lists them."""
    with transaction.atomic():
        for r in _csv_rows("organi.csv"):
            asst = ASST.objects.get(pk=r["asst"]) if r["asst"] else None
            organo = _upsert(
                Organo,
                r["codice"],
                tipo=r["tipo"],
                nome=r["nome"],
                ambito_id=r["ambito"] or None,
                asst=asst,
                ats=ATS.objects.get(pk="ats-bergamo") if r["tipo"] == TipoOrgano.COLLEGIO else None,
                email=r["email"],
                telefono=r["telefono"],
            )
            for codice in filter(None, r["distretti"].split(";")):
                organo.distretti.add(codice.strip())
        nomi = {c.nome: c for c in Comune.objects.filter(sigla_provincia="BG", soppresso_il__isnull=True)}
        for r in _csv_rows("incarichi.csv"):
            persona, _ = Persona.objects.get_or_create(nome=r["persona"])
            comune = None
            if r["comune"]:
                comune = nomi[r["comune"]]
            Incarico.objects.get_or_create(
                organo_id=r["organo"],
                persona=persona,
                ruolo=r["ruolo"],
                defaults={
                    "qualifica": r["qualifica"],
                    "comune": comune,
                    "dal": _data_opzionale(r["dal"]),
                    "al": _data_opzionale(r["al"]),
                    "attestato_il": _data_opzionale(r["attestato_il"]) or DATA_PROLOGO_2025,
                    "fonte": r.get("fonte") or PROLOGO_2025,
                },
            )


# ---------------------------------------------------------------------------------------
# Import of memberships from a user's file

TRACCIATO_APPARTENENZE = Tracciato(
    Colonna("codice_istat"),
    Colonna("comune"),
    Colonna("ambito", obbligatoria=True),
    Colonna("dal", obbligatoria=True),
    Colonna("al"),
    una_tra=[("codice_istat", "comune")],
)
COLONNE_APPARTENENZE = [c.nome for c in TRACCIATO_APPARTENENZE.colonne]


def importa_appartenenze(contenuto: bytes, nome_file: str):
    """Load Comune -> Ambito memberships from CSV/XLSX, all or nothing (zona.lib.importazione).

    Layout: columns `codice_istat`, `comune`, `ambito`, `dal`, `al` (one of codice_istat and
    comune is enough; `ambito` is the code or the name; `al` empty while in force). A row
    whose Comune is in another Ambito on `dal` moves it: the old membership ends the day
    before. Loading the same file twice changes nothing.
    Returns the number of memberships created or changed.
    """
    tabella = importazione.apri(contenuto, nome_file, settings.ZONA_MAX_UPLOAD_BYTES)
    risolutore = Risolutore(Comune.objects.all(), AliasComune.objects.select_related("comune"))
    ambiti = {}
    for a in Ambito.objects.all():
        ambiti[a.codice] = a
        ambiti[normalizza(a.nome)] = a
    periodi = {}  # comune -> [(row, dal, al)] of the file, for overlaps
    fonte = f"Importazione file {nome_file}"
    cambiati = 0

    def riga(r):
        codice, nome = r.testo("codice_istat"), r.testo("comune")
        if codice:
            codice = codice.zfill(6) if codice.isdigit() else codice
            comune = risolutore.per_codice.get(codice)
            if comune is None:
                raise RigaErrata("codice_istat", f"il codice ISTAT «{mostra(codice)}» non corrisponde a nessun Comune.")
            if nome and normalizza(nome) != comune.nome_normalizzato and risolutore.risolvi(nome) != comune:
                raise RigaErrata(
                    "comune", f"il nome «{mostra(nome)}» non corrisponde al codice {codice} ({comune.nome})."
                )
        elif nome:
            comune = risolutore.risolvi(nome)
            if comune is None:
                raise RigaErrata("comune", risolutore.errore_nome(nome))
        else:
            raise RigaErrata("codice_istat", "indicare il codice ISTAT o il nome del Comune.")
        valore_ambito = r.testo("ambito")
        if not valore_ambito:
            raise RigaErrata("ambito", "campo obbligatorio vuoto.")
        ambito = ambiti.get(valore_ambito) or ambiti.get(normalizza(valore_ambito))
        if ambito is None:
            raise RigaErrata("ambito", f"l'Ambito «{mostra(valore_ambito)}» non è in anagrafe.")
        dal = r.valore("dal", valori.data)
        al = r.valore("al", valori.data, obbligatorio=False)
        if dal is None:
            return None
        if al is not None and al < dal:
            raise RigaErrata("al", "la data di fine precede la data di inizio.")
        if comune.soppresso_il is not None and dal >= comune.soppresso_il:
            raise RigaErrata("dal", f"{comune.nome} ({comune.pk}) non esiste più dal {comune.soppresso_il:%d/%m/%Y}.")
        if comune.istituito_il is not None and dal < comune.istituito_il:
            raise RigaErrata("dal", f"{comune.nome} ({comune.pk}) esiste dal {comune.istituito_il:%d/%m/%Y}.")
        # Overlaps are checked among the rows of the same Comune only.
        for altro_n, altro_dal, altro_al in periodi.get(comune.pk, ()):
            if dal <= (altro_al or datetime.date.max) and altro_dal <= (al or datetime.date.max):
                raise RigaErrata(
                    "comune", f"{comune.nome} compare già alla riga {altro_n} per un periodo che si sovrappone."
                )
        periodi.setdefault(comune.pk, []).append((r.numero, dal, al))
        return comune, ambito, dal, al

    def scrivi(appartenenza):
        nonlocal cambiati
        esito = _applica_appartenenza(*appartenenza, fonte)
        if isinstance(esito, Errore):
            raise RigaErrata(esito.colonna, esito.motivo)
        cambiati += esito

    importazione.importa(tabella, TRACCIATO_APPARTENENZE, riga, scrivi=scrivi)
    return cambiati


def _applica_appartenenza(comune, ambito, dal, al, fonte):
    esistenti = list(AppartenenzaComune.objects.filter(comune=comune).order_by("dal"))
    for e in esistenti:
        if e.dal == dal:
            if e.ambito_id != ambito.pk:
                return Errore(
                    None,
                    "ambito",
                    f"{comune.nome} ha già un'appartenenza dal {dal:%d/%m/%Y} all'Ambito {e.ambito}: "
                    "chiuderla o correggerla prima.",
                )
            if e.al != al:
                e.al = al
                e.save()
                return 1
            return 0
    cambiati = 0
    for e in esistenti:
        e_fine = e.al or datetime.date.max
        if e.dal < dal <= e_fine:
            # The Comune moves: its previous membership ends the day before.
            e.al = dal - datetime.timedelta(days=1)
            e.save()
            cambiati += 1
        elif e.dal > dal and e.dal <= (al or datetime.date.max):
            return Errore(
                None,
                "dal",
                f"{comune.nome} appartiene dal {e.dal:%d/%m/%Y} all'Ambito {e.ambito}: "
                "il periodo indicato si sovrappone.",
            )
    AppartenenzaComune.objects.create(comune=comune, ambito=ambito, dal=dal, al=al, fonte=fonte)
    return cambiati + 1


# ---------------------------------------------------------------------------------------
# Edits from the pages (the audit log records who made them)


def aggiorna_contatti(oggetto, dati, versione_letta):
    """Save the changed contact fields of a Comune or an Ufficio di Piano, if nobody saved them
    after `versione_letta` (zona.lib.locking; raises ModificaConcorrente otherwise)."""
    cambiati = [k for k, v in dati.items() if getattr(oggetto, k) != v]
    if cambiati:
        salva_con_versione(oggetto, versione_letta, **{k: dati[k] for k in cambiati})
    return cambiati


def aggiungi_incarico(*, organo, persona_nome, ruolo, qualifica, comune, dal, al):
    with transaction.atomic():
        persona, _ = Persona.objects.get_or_create(nome=persona_nome.strip())
        incarico = Incarico(
            organo=organo,
            persona=persona,
            ruolo=ruolo,
            qualifica=qualifica,
            comune=comune,
            dal=dal,
            al=al,
            attestato_il=dal,
            fonte="Inserito dall'Ufficio di Piano",
        )
        incarico.full_clean()
        incarico.save()
    return incarico
