"""Writes to the ledger: every movement is checked against the whole Esercizio under a lock.

`registra_movimento` locks the Esercizio row (select_for_update: concurrent writers to the same
Ambito, fund and year wait for each other), adds the movement, recomputes the balances in SQL
and refuses (rolling everything back) if any link of the chain in models.py breaks, with an
Italian message that says which. Nothing is ever updated or deleted: a correction is a new
movement that replaces the one it `corregge`.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from zona.lib import valori
from zona.lib.formato import numero as numero_it

from . import permessi
from .models import Esercizio, Fondo, Movimento, TipoMovimento
from .selectors import saldo_esercizio

T = TipoMovimento
# Fields that make sense for each kind of act (the others must stay empty).
CAMPI_PER_TIPO = {
    T.ASSEGNAZIONE: set(),
    T.PROGRAMMAZIONE: {"obiettivo", "servizio", "area"},
    T.IMPEGNO: {"obiettivo", "servizio", "area", "beneficiario"},
    T.LIQUIDAZIONE: {"obiettivo", "servizio", "area", "beneficiario"},
    T.RENDICONTAZIONE: {"obiettivo", "servizio", "area", "periodo_dal", "periodo_al", "utenti"},
    T.ECONOMIA: {"obiettivo", "servizio", "area", "beneficiario"},
}
CAMPI_FACOLTATIVI = {"obiettivo", "servizio", "area", "beneficiario", "periodo_dal", "periodo_al", "utenti"}


def _esercizio_bloccato(ambito_id, fondo_id, anno):
    try:
        with transaction.atomic():
            Esercizio.objects.get_or_create(ambito_id=ambito_id, fondo_id=fondo_id, anno=anno)
    except IntegrityError:
        pass  # created meanwhile by a concurrent writer: lock it below
    return (
        Esercizio.objects.select_for_update(of=("self",))
        .select_related("fondo")
        .get(ambito_id=ambito_id, fondo_id=fondo_id, anno=anno)
    )


def _controlla(esercizio):
    problema = saldo_esercizio(esercizio).violazione()
    if problema:
        raise ValidationError(f"Movimento rifiutato: {problema[0].upper()}{problema[1:]}")


def _chiuso(esercizio):
    if esercizio.chiuso:
        raise ValidationError(
            f"L'anno {esercizio.anno} del fondo {esercizio.fondo} per l'Ambito è chiuso dal "
            f"{esercizio.chiuso_il:%d/%m/%Y}: non si registrano altri movimenti."
        )


@transaction.atomic
def registra_movimento(utente, ambito_id, fondo_id, anno, tipo, importo, numero, data, corregge=None, **campi):
    """Add one movement to the Esercizio (ambito, fondo, anno) and return it.

    Raises PermissionDenied if `utente` may not write the Ambito's ledger, ValidationError (in
    Italian) if the act is incomplete or would break the chain; nothing is saved then."""
    if not permessi.puo_scrivere(utente, ambito_id):
        raise PermissionDenied("Solo l'Ufficio di Piano dell'Ambito registra i movimenti dei suoi fondi.")
    if tipo not in CAMPI_PER_TIPO:
        raise ValidationError(
            f"Tipo di movimento «{valori.mostra(tipo)}» non ammesso qui: "
            + ", ".join(str(t) for t in CAMPI_PER_TIPO)
            + " (i residui si riportano all'anno dopo con la riprogrammazione)."
        )
    try:
        importo = valori.importo(importo, campo="importo")
        numero = valori.testo(numero, campo="numero dell'atto", max_lunghezza=100, obbligatorio=True)
        anno = valori.anno(anno, minimo=1990, massimo=2100)
        data = valori.data(data, campo="data dell'atto")
        for campo, lunghezza in (("servizio", 200), ("beneficiario", 200), ("descrizione", 300), ("fonte", 300)):
            if campi.get(campo):
                campi[campo] = valori.testo(campi[campo], campo=campo, max_lunghezza=lunghezza)
    except valori.ValoreNonValido as e:
        raise ValidationError(str(e)) from None
    estranei = sorted(
        k for k, v in campi.items() if v not in (None, "") and k in CAMPI_FACOLTATIVI - CAMPI_PER_TIPO[tipo]
    )
    if set(campi) - CAMPI_FACOLTATIVI - {"descrizione", "fonte"}:
        raise ValidationError("Campi sconosciuti: " + ", ".join(sorted(set(campi) - CAMPI_FACOLTATIVI)))
    if estranei:
        raise ValidationError(f"Un movimento di {T(tipo).label.lower()} non ha: " + ", ".join(estranei) + ".")
    try:
        fondo_id = valori.codice(fondo_id, campo="fondo", max_lunghezza=20)
    except valori.ValoreNonValido as e:
        raise ValidationError(str(e)) from None
    if not Fondo.objects.filter(pk=fondo_id).exists():
        raise ValidationError(f"Fondo «{valori.mostra(fondo_id)}» non presente nel catalogo.")
    obiettivo = campi.get("obiettivo")
    if obiettivo is not None and obiettivo.piano.ambito_id != ambito_id:
        raise ValidationError("L'obiettivo appartiene al piano di un altro Ambito.")
    esercizio = _esercizio_bloccato(ambito_id, fondo_id, anno)
    _chiuso(esercizio)
    if corregge is not None:
        corregge = Movimento.objects.select_for_update().get(pk=corregge.pk if hasattr(corregge, "pk") else corregge)
        if corregge.esercizio_id != esercizio.pk or corregge.tipo != tipo:
            raise ValidationError("Una correzione ha lo stesso fondo, anno e tipo del movimento che corregge.")
        if Movimento.objects.filter(corregge=corregge).exists():
            raise ValidationError(f"Il movimento {corregge.numero} è già stato corretto: correggere la correzione.")
    m = Movimento(
        esercizio=esercizio,
        tipo=tipo,
        importo=importo,
        numero=numero,
        data=data,
        corregge=corregge,
        registrato_da=utente if utente is not None and utente.is_authenticated else None,
        **campi,
    )
    try:
        m.full_clean(exclude=["esercizio", "corregge", "origine", "registrato_da"])
    except ValidationError as e:
        raise ValidationError(e.messages) from None
    m.save()
    _controlla(esercizio)
    return m


@transaction.atomic
def riporta_residuo(utente, ambito_id, fondo_id, anno, importo, numero, data):
    """Carry `importo` of the year's available resources over to the next year: a movement out of
    `anno` and one into `anno + 1` that points to it. Returns (out, in)."""
    if not permessi.puo_scrivere(utente, ambito_id):
        raise PermissionDenied("Solo l'Ufficio di Piano dell'Ambito registra i movimenti dei suoi fondi.")
    try:
        importo = valori.importo(importo, campo="importo")
        numero = valori.testo(numero, campo="numero dell'atto", max_lunghezza=100, obbligatorio=True)
        anno = valori.anno(anno, minimo=1990, massimo=2099)
        data = valori.data(data, campo="data dell'atto")
    except valori.ValoreNonValido as e:
        raise ValidationError(str(e)) from None
    if importo <= 0:
        raise ValidationError("Il residuo da riportare deve essere maggiore di zero.")
    # Always lock the earlier year first: two riporti never wait for each other in a cycle.
    da = _esercizio_bloccato(ambito_id, fondo_id, anno)
    a = _esercizio_bloccato(ambito_id, fondo_id, anno + 1)
    _chiuso(da)
    _chiuso(a)
    registrato_da = utente if utente is not None and utente.is_authenticated else None
    comuni = {"importo": importo, "numero": numero, "data": data, "registrato_da": registrato_da}
    fuori = Movimento.objects.create(esercizio=da, tipo=T.RIPORTO_FUORI, descrizione=f"al {anno + 1}", **comuni)
    dentro = Movimento.objects.create(
        esercizio=a, tipo=T.RIPORTO, origine=fuori, descrizione=f"residuo del {anno}", **comuni
    )
    saldo = saldo_esercizio(da)
    if saldo.disponibile < 0:
        raise ValidationError(
            f"Movimento rifiutato: si possono riportare al più le risorse non programmate del {anno} "
            f"({numero_it(saldo.disponibile + importo, 2)} €)."
        )
    return fuori, dentro


@transaction.atomic
def chiudi_esercizio(utente, ambito_id, fondo_id, anno, il=None):
    if not permessi.puo_scrivere(utente, ambito_id):
        raise PermissionDenied("Solo l'Ufficio di Piano dell'Ambito chiude l'anno dei suoi fondi.")
    esercizio = _esercizio_bloccato(ambito_id, fondo_id, anno)
    _chiuso(esercizio)
    esercizio.chiuso_il = il or datetime.date.today()
    esercizio.save(update_fields=["chiuso_il"])
    return esercizio


def salva_scenario(utente, nome, parametri, note=""):
    """Save a what-if's parameters (`scenari.Parametri`) under a name and return the Scenario.

    Raises PermissionDenied if `utente` is not the provincial coordination, ValidationError (in
    Italian) for an empty or taken name, a bad note or amount; nothing is saved then. Only the
    parameters are kept: the figures are recomputed whenever the scenario is shown."""
    from zona.lib.policies import COORDINAMENTO

    from .models import Scenario
    from .riparto import CRITERI

    if utente is not None and not COORDINAMENTO.consente(utente, {}):
        raise PermissionDenied("Solo il coordinamento provinciale salva gli scenari di riparto.")
    try:
        nome = valori.testo(nome, campo="nome dello scenario", max_lunghezza=200, obbligatorio=True)
        note = valori.testo(note, campo="note", max_lunghezza=300)
        importo = valori.importo(parametri.importo, campo="importo da ripartire")
    except valori.ValoreNonValido as e:
        raise ValidationError(str(e)) from None
    if parametri.criterio_comuni not in CRITERI:
        raise ValidationError(f"Criterio tra i Comuni sconosciuto: usare {', '.join(CRITERI)}.")
    scenario = Scenario(
        nome=nome,
        note=note,
        importo=importo,
        anno=parametri.anno,
        criterio_comuni=parametri.criterio_comuni,
        eta_da=parametri.eta_da,
        eta_a=parametri.eta_a,
        quota_uguale=parametri.quota_uguale,
        creato_da=utente if utente is not None and utente.is_authenticated else None,
    )
    if Scenario.objects.filter(nome=nome).exists():
        raise ValidationError({"nome": "Esiste già uno scenario con questo nome."})
    try:
        with transaction.atomic():  # two coordinators saving the same name at once: one wins
            scenario.save()
    except IntegrityError:
        raise ValidationError({"nome": "Esiste già uno scenario con questo nome."}) from None
    return scenario
