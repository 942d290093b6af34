"""The registry of organisations from a CSV or XLSX file, all or nothing (zona.lib.importazione).

Layout (first row: the column names below, in any order; `*` = always required):

    nome*            name of the organisation
    tipo*            ets, cooperativa, associazione, comune, ats, asst, scuola, forze_ordine,
                     parrocchia, sindacato, altro (or the label: «Ente del terzo settore», ...)
    codice_fiscale   11 digits (organisations) or 16 characters; the check character is verified
    forma_giuridica  free text (ODV, APS, cooperativa sociale di tipo A, fondazione, ...)
    runts_numero     number of registration in the RUNTS (then runts_sezione is required)
    runts_sezione    a letter a-g (art. 46 of the Codice del Terzo Settore)
    sede             the Comune of the seat: ISTAT code or name
    indirizzo        address of the seat
    comuni           Comuni where it works: ISTAT codes or names separated by «|»
    aree             policy areas A-J where it works, separated by «|»

A row whose codice fiscale is already in the registry updates that organisation; a row without
codice fiscale updates the organisation with the same name and no codice fiscale; any other row
adds one. Loading the same file twice changes nothing.
"""

from django.conf import settings
from django.db import transaction

from programmazione.models import AreaPolicy
from territorio.models import AliasComune, Comune
from territorio.services import Risolutore
from zona.lib import importazione, valori
from zona.lib.codice_fiscale import codice_fiscale
from zona.lib.importazione import Colonna, RigaErrata, Tracciato
from zona.lib.text import normalizza

from .models import Organizzazione, SezioneRunts, TipoOrganizzazione

TRACCIATO = Tracciato(
    Colonna("nome", "Nome", obbligatoria=True, alias=("denominazione", "ragione sociale")),
    Colonna("tipo", "Tipo", obbligatoria=True),
    Colonna("codice_fiscale", "Codice fiscale", alias=("cf", "codice fiscale / partita iva")),
    Colonna("forma_giuridica", "Forma giuridica"),
    Colonna("runts_numero", "Numero RUNTS", alias=("repertorio runts",)),
    Colonna("runts_sezione", "Sezione RUNTS"),
    Colonna("sede", "Sede (Comune)"),
    Colonna("indirizzo", "Indirizzo"),
    Colonna("comuni", "Comuni di attività"),
    Colonna("aree", "Aree di intervento"),
    sconosciute="errore",
)
ESEMPIO = (
    "nome,tipo,codice_fiscale,forma_giuridica,runts_numero,runts_sezione,sede,indirizzo,comuni,aree\n"
    "Associazione di esempio ODV,ets,,Organizzazione di volontariato,12345,a,Lovere,,Lovere|Costa Volpino,D|J\n"
)
MAX_CAMPI_MULTIPLI = 300

_TIPI = {}
for _t in TipoOrganizzazione:
    _TIPI[normalizza(_t.value)] = _t.value
    _TIPI[normalizza(_t.label)] = _t.value
_SEZIONI = {s.value: s.value for s in SezioneRunts}


class _Contesto:
    def __init__(self):
        self.comuni = Risolutore(Comune.objects.all(), AliasComune.objects.select_related("comune"))
        self.aree = {a.pk: a for a in AreaPolicy.objects.all()}
        self.per_cf = {o.codice_fiscale: o for o in Organizzazione.objects.exclude(codice_fiscale="")}
        self.per_nome = {normalizza(o.nome): o for o in Organizzazione.objects.filter(codice_fiscale="")}

    def comune(self, testo):
        testo = testo.strip()
        if testo.isdigit():
            return self.comuni.per_codice.get(testo.zfill(6))
        return self.comuni.risolvi(testo)


def _lista(testo):
    return [p.strip() for p in testo.split("|") if p.strip()]


def leggi_file(contenuto, nome_file):
    tabella = importazione.apri(contenuto, nome_file, settings.ZONA_MAX_UPLOAD_BYTES)
    TRACCIATO.indici(tabella.intestazione)
    return tabella


def importa_organizzazioni(tabella, fonte=""):
    """Adds or updates every organisation of `tabella` (leggi_file), or none. Returns
    (added, updated); raises FileRifiutato with every error (row, column, reason)."""
    ctx = _Contesto()
    conteggi = {"nuove": 0, "aggiornate": 0}

    def riga(r):
        nome = r.valore("nome", valori.testo, campo=None, max_lunghezza=300, obbligatorio=True)
        tipo = _TIPI.get(normalizza(r.testo("tipo")))
        if tipo is None:
            r.errore(
                "tipo",
                f"tipo «{valori.mostra(r.testo('tipo'))}» sconosciuto: " + ", ".join(TipoOrganizzazione.values) + ".",
            )
        cf = r.valore("codice_fiscale", codice_fiscale, campo=None)
        forma = r.valore("forma_giuridica", valori.testo, max_lunghezza=100)
        numero = r.valore("runts_numero", valori.testo, max_lunghezza=30)
        sezione = r.testo("runts_sezione").lower().rstrip(")")
        if sezione and sezione not in _SEZIONI:
            r.errore("runts_sezione", f"sezione «{valori.mostra(sezione)}» sconosciuta: una lettera da a a g.")
        if numero and not sezione:
            r.errore("runts_sezione", "con il numero di iscrizione al RUNTS va indicata la sezione (a-g).")
        sede = None
        if r.testo("sede"):
            sede = ctx.comune(r.testo("sede"))
            if sede is None:
                r.errore("sede", ctx.comuni.errore_nome(r.testo("sede")))
        comuni = []
        elenco = _lista(r.testo("comuni"))
        if len(elenco) > MAX_CAMPI_MULTIPLI:
            r.errore("comuni", f"troppi Comuni ({len(elenco)}): al massimo {MAX_CAMPI_MULTIPLI}.")
            elenco = []
        for nome_comune in elenco:
            c = ctx.comune(nome_comune)
            if c is None:
                r.errore("comuni", ctx.comuni.errore_nome(nome_comune))
            else:
                comuni.append(c)
        aree = []
        for lettera in _lista(r.testo("aree"))[:MAX_CAMPI_MULTIPLI]:
            area = ctx.aree.get(lettera.upper())
            if area is None:
                r.errore("aree", f"area di policy «{valori.mostra(lettera)}» sconosciuta (una lettera da A a J).")
            else:
                aree.append(area)
        indirizzo = r.valore("indirizzo", valori.testo, max_lunghezza=300)
        if r.errori:
            return None
        chiave = ("cf", cf) if cf else ("nome", normalizza(nome))
        if prima := r.gia_vista(chiave):
            raise RigaErrata("codice_fiscale" if cf else "nome", f"organizzazione ripetuta: è già alla riga {prima}.")
        esistente = ctx.per_cf.get(cf) if cf else ctx.per_nome.get(normalizza(nome))
        return {
            "esistente": esistente,
            "campi": {
                "nome": nome,
                "tipo": tipo,
                "codice_fiscale": cf,
                "forma_giuridica": forma or "",
                "runts_numero": numero or "",
                "runts_sezione": sezione,
                "sede_comune": sede,
                "indirizzo": indirizzo or "",
            },
            "comuni": comuni,
            "aree": aree,
        }

    def scrivi(dati):
        o = dati["esistente"] or Organizzazione()
        for k, v in dati["campi"].items():
            setattr(o, k, v)
        if fonte:
            o.fonte = fonte[:300]
        try:
            o.full_clean()
        except Exception as e:  # a ValidationError of a constraint (e.g. same name, other row)
            raise RigaErrata(None, " ".join(getattr(e, "messages", [str(e)]))) from None
        if o.pk:
            o.versione += 1
            conteggi["aggiornate"] += 1
        else:
            conteggi["nuove"] += 1
        o.save()
        o.comuni.set(dati["comuni"])
        o.aree.set(dati["aree"])

    with transaction.atomic():
        importazione.importa(tabella, TRACCIATO, riga, scrivi=scrivi, vuoto="Il file non contiene organizzazioni.")
    return conteggi["nuove"], conteggi["aggiornate"]
