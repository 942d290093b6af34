"""Unità d'offerta from a CSV or XLSX file (the regional AFAM register's export, or a file kept
by the Ufficio di Piano), all or nothing.

Layout (first row: the column names below, in any order; `*` = always required; the template
is at /offerta/modello.csv):

    tipo*                 code, name or acronym of the type (asilo-nido, «Asilo nido», CDD, RSA...)
    nome*                 name of the unit
    ente_gestore*         name of the organisation that runs it
    natura_ente*          pubblico, privato or terzo_settore
    codice_fiscale_ente*  11 digits (an organisation) or 16 characters (a person), check digit verified
    indirizzo             street and number
    comune*               ISTAT code or name of a Comune of the province
    telefono, email
    autorizzata_il        date of the authorisation (GG/MM/AAAA or AAAA-MM-GG)
    accreditata_il        date of the accreditation: not before the authorisation
    posti_autorizzati     whole number, not negative
    posti_accreditati     whole number, not negative
    contratto_ambito      sì / no: a contract with the Ambito
    importo_contratto     euro a year (not shown to the public)
    apertura              opening period (tutto l'anno, settembre-luglio...)
    fonte                 where the row comes from

A unit is identified by type, name and Comune: a row that names an existing unit updates it
(its version goes up, the audit trail keeps the change), any other row adds one. An Ufficio di
Piano imports only units of the Comuni of its Ambito. Every error names the row, the column and
the reason; one error and nothing is saved.
"""

import datetime

from django.db import transaction

from territorio import selectors as territorio
from territorio.models import AliasComune, Comune
from zona.lib import importazione, valori
from zona.lib.codice_fiscale import codice_fiscale
from zona.lib.importazione import Colonna, RigaErrata, Tracciato
from zona.lib.text import normalizza

from . import copertura, permessi
from .models import NaturaEnte, TipoUnita, UnitaOfferta

COLONNE = [
    "tipo",
    "nome",
    "ente_gestore",
    "natura_ente",
    "codice_fiscale_ente",
    "indirizzo",
    "comune",
    "telefono",
    "email",
    "autorizzata_il",
    "accreditata_il",
    "posti_autorizzati",
    "posti_accreditati",
    "contratto_ambito",
    "importo_contratto",
    "apertura",
    "fonte",
]
OBBLIGATORIE = {"tipo", "nome", "ente_gestore", "natura_ente", "codice_fiscale_ente", "comune"}
TRACCIATO = Tracciato(*(Colonna(c, obbligatoria=c in OBBLIGATORIE) for c in COLONNE), sconosciute="errore")
ESEMPIO = [
    "asilo-nido,Nido Il Girasole,Cooperativa Sociale Esempio,terzo_settore,80034840167,Via Roma 1,Lovere,"
    "035 000000,,01/09/2015,01/09/2016,30,24,sì,45000.00,settembre-luglio,Registro regionale AFAM",
]
SI = {"si", "sì", "s", "x", "1", "vero", "true", "yes"}
NO = {"", "no", "n", "0", "falso", "false"}
POSTI_MAX = 100_000


class Contesto:
    """What a row is checked against, read once per file."""

    def __init__(self, utente, giorno):
        self.tipi = {}
        for t in TipoUnita.objects.all():
            for chiave in (t.codice, t.nome, t.sigla):
                if chiave:
                    self.tipi[normalizza(chiave)] = t
        self.comuni, self.nomi = {}, {}
        # A suppressed Comune may share its name with its successor: the name means the latter.
        for c in sorted(Comune.objects.all(), key=lambda c: c.soppresso_il is None):
            self.comuni[c.pk] = c
            self.nomi[normalizza(c.nome)] = c
        for a in AliasComune.objects.select_related("comune"):
            self.nomi.setdefault(a.nome_normalizzato, a.comune)
        self.provincia = set(territorio.comuni_della_provincia(giorno).values_list("pk", flat=True))
        consentiti = permessi.ambiti_scrivibili(utente)
        self.comuni_consentiti = None
        if consentiti is not None:
            self.comuni_consentiti = {
                pk for ambito in consentiti for pk in territorio.comuni_di(ambito, giorno).values_list("pk", flat=True)
            }
        self.esistenti = {(u.tipo_id, u.nome, u.comune_id): u for u in UnitaOfferta.objects.all()}


def _si_no(testo):
    t = str(testo or "").strip().lower()
    if t in SI:
        return True
    if t in NO:
        return False
    raise valori.ValoreNonValido(f"«{valori.mostra(testo)}»: scrivere sì o no.")


def _posti(testo):
    return valori.intero(testo, minimo=0, massimo=POSTI_MAX, obbligatorio=False)


def leggi_riga(r, ctx):
    """The UnitaOfferta (unsaved, or the existing one with the new values) for one row; errors
    are recorded on `r`."""
    tipo = ctx.tipi.get(normalizza(r.testo("tipo")))
    if tipo is None:
        r.errore("tipo", f"tipo di unità «{valori.mostra(r['tipo'])}» sconosciuto (codice, nome o sigla del catalogo).")
    nome = r.valore("nome", valori.testo, max_lunghezza=200, obbligatorio=True)
    ente = r.valore("ente_gestore", valori.testo, max_lunghezza=200, obbligatorio=True)
    natura = r.testo("natura_ente").lower().replace(" ", "_")
    if natura not in NaturaEnte.values:
        r.errore("natura_ente", f"«{valori.mostra(r['natura_ente'])}»: usare pubblico, privato o terzo_settore.")
    cf = r.valore("codice_fiscale_ente", codice_fiscale, obbligatorio=True)
    testo_comune = r.testo("comune")
    comune = ctx.comuni.get(testo_comune) or ctx.nomi.get(normalizza(testo_comune))
    if comune is None:
        r.errore("comune", f"Comune «{valori.mostra(testo_comune)}» sconosciuto (codice ISTAT o nome).")
    elif comune.pk not in ctx.provincia:
        r.errore("comune", f"{comune.nome} ({comune.sigla_provincia}) è fuori dalla provincia.")
    elif ctx.comuni_consentiti is not None and comune.pk not in ctx.comuni_consentiti:
        r.errore("comune", f"{comune.nome} non è un Comune del vostro Ambito.")
    autorizzata = r.valore("autorizzata_il", valori.data, obbligatorio=False)
    accreditata = r.valore("accreditata_il", valori.data, obbligatorio=False)
    if autorizzata and accreditata and accreditata < autorizzata:
        r.errore(
            "accreditata_il",
            f"l'accreditamento ({accreditata:%d/%m/%Y}) è precedente all'autorizzazione ({autorizzata:%d/%m/%Y}).",
        )
    campi = {
        "ente_gestore": ente,
        "natura_ente": natura,
        "codice_fiscale_ente": cf,
        "indirizzo": r.valore("indirizzo", valori.testo, max_lunghezza=300),
        "telefono": r.valore("telefono", valori.testo, max_lunghezza=40),
        "email": r.valore("email", valori.testo, max_lunghezza=200),
        "autorizzata_il": autorizzata,
        "accreditata_il": accreditata,
        "posti_autorizzati": r.valore("posti_autorizzati", _posti),
        "posti_accreditati": r.valore("posti_accreditati", _posti),
        "contratto_ambito": r.valore("contratto_ambito", _si_no),
        "importo_contratto": r.valore("importo_contratto", valori.importo, obbligatorio=False),
        "apertura": r.valore("apertura", valori.testo, max_lunghezza=200),
        "fonte": r.valore("fonte", valori.testo, max_lunghezza=300),
    }
    if r.errori is not None:
        return None
    if r.gia_vista((tipo.pk, nome, comune.pk)) is not None:
        raise RigaErrata("nome", f"«{valori.mostra(nome)}» ({tipo.nome}, {comune.nome}) compare più volte nel file.")
    unita = ctx.esistenti.get((tipo.pk, nome, comune.pk))
    if unita is None:
        unita = UnitaOfferta(tipo=tipo, nome=nome, comune=comune)
    else:
        unita.versione += 1
    for k, v in campi.items():
        setattr(
            unita, k, v if v is not None or k not in ("indirizzo", "telefono", "email", "apertura", "fonte") else ""
        )
    return unita


def _scrivi(unita):
    unita.save()


def importa(contenuto, nome_file, utente=None, giorno=None):
    """Store every unit of the file or none; returns how many. Raises FileRifiutato with every
    error (row, column, reason). The register's places go to the knowledge base in the same
    transaction (offerta.copertura)."""
    ctx = Contesto(utente, giorno or datetime.date.today())
    tabella = importazione.apri(contenuto, nome_file)
    with transaction.atomic():
        n = importazione.importa(
            tabella,
            TRACCIATO,
            lambda r: leggi_riga(r, ctx),
            scrivi=_scrivi,
            vuoto="Il file non contiene unità d'offerta.",
        )
        copertura.pubblica(utente=utente)
    return n


def modello_csv():
    return ",".join(COLONNE) + "\n" + "\n".join(ESEMPIO) + "\n"
