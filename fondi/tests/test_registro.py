"""The ledger's rules: every refusal with its Italian message, corrections, residui, closed years,
and (hypothesis) that no sequence of movements ever makes a derived figure negative."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fondi import selectors, services
from fondi.models import Esercizio, Movimento, TipoMovimento
from testsupport.fabbriche import utente

pytestmark = pytest.mark.django_db
T = TipoMovimento
OGGI = datetime.date(2030, 3, 1)
ANNO = 2030  # no demo movement there


def mov(tipo, importo, numero="Atto 1", fondo="fsr", anno=ANNO, user=None, **campi):
    return services.registra_movimento(user, "alto-sebino", fondo, anno, tipo, importo, numero, OGGI, **campi)


def saldo(fondo="fsr", anno=ANNO):
    return selectors.saldo_esercizio(Esercizio.objects.get(ambito="alto-sebino", fondo=fondo, anno=anno))


def rifiutato(*args, **kwargs):
    with pytest.raises(ValidationError) as e:
        mov(*args, **kwargs)
    return " ".join(e.value.messages)


def test_the_chain_of_refusals(demo_db):
    mov(T.ASSEGNAZIONE, "100000.00")
    assert "Il programmato (100.000,01 €) supererebbe le risorse disponibili (100.000,00 €" in rifiutato(
        T.PROGRAMMAZIONE, "100000.01"
    )
    mov(T.PROGRAMMAZIONE, "60000")
    assert rifiutato(T.IMPEGNO, "60000.01") == (
        "Movimento rifiutato: L'impegnato (60.000,01 €) supererebbe il programmato (60.000,00 €)."
    )
    mov(T.IMPEGNO, "50000", beneficiario="Cooperativa")
    assert "Il liquidato (50.000,01 €) supererebbe l'impegnato (50.000,00 €)" in rifiutato(T.LIQUIDAZIONE, "50000.01")
    mov(T.LIQUIDAZIONE, "30000")
    assert "Il rendicontato (30.000,01 €) supererebbe il liquidato (30.000,00 €)" in rifiutato(
        T.RENDICONTAZIONE, "30000.01"
    )
    # A saving can only free what is committed and not yet paid (20.000 here).
    assert "Il liquidato (30.000,00 €) supererebbe l'impegnato (29.999,99 €)" in rifiutato(T.ECONOMIA, "20000.01")
    mov(T.ECONOMIA, "20000")
    s = saldo()
    assert (s.programmato, s.impegnato, s.disponibile, s.impegnato_non_liquidato) == (
        Decimal("40000.00"),
        Decimal("30000.00"),
        Decimal("60000.00"),
        Decimal("0.00"),
    )
    assert s.percentuale_utilizzo == Decimal("30.0")
    assert Movimento.objects.filter(esercizio__anno=ANNO).count() == 5  # refused ones left nothing


def test_bad_amounts_and_acts(demo_db):
    assert "troppo piccolo: il minimo è 0" in rifiutato(T.ASSEGNAZIONE, "-1")
    assert "decimali" in rifiutato(T.ASSEGNAZIONE, "1.234")
    assert "numero dell'atto: manca il testo" in rifiutato(T.ASSEGNAZIONE, "10", numero="").lower()
    assert "non ha: beneficiario" in rifiutato(T.ASSEGNAZIONE, "10", beneficiario="Qualcuno")
    assert "non presente nel catalogo" in rifiutato(T.ASSEGNAZIONE, "10", fondo="inesistente")
    with pytest.raises(ValidationError, match="riprogrammazione"):
        mov(T.RIPORTO, "10")
    assert not Esercizio.objects.filter(anno=ANNO, fondo="inesistente").exists()


def test_only_the_ufficio_di_piano_of_the_ambito_writes(demo_db):
    for nome in ("udp.dalmine", "comune.lovere", "coordinamento"):
        with pytest.raises(PermissionDenied):
            mov(T.ASSEGNAZIONE, "10", user=utente(nome))
    m = mov(T.ASSEGNAZIONE, "10", user=utente("udp.altosebino"))
    assert m.registrato_da.username == "udp.altosebino"


def test_a_correction_replaces_the_act_and_keeps_both(demo_db):
    vecchio = mov(T.ASSEGNAZIONE, "1000.00", numero="DGR 1")
    nuovo = mov(T.ASSEGNAZIONE, "1200.00", numero="DGR 1-bis", corregge=vecchio)
    assert saldo().assegnato == Decimal("1200.00")
    assert Movimento.objects.filter(esercizio__anno=ANNO).count() == 2
    with pytest.raises(ValidationError, match="già stato corretto"):
        mov(T.ASSEGNAZIONE, "900.00", numero="DGR 1-ter", corregge=vecchio)
    with pytest.raises(ValidationError, match="stesso fondo, anno e tipo"):
        mov(T.PROGRAMMAZIONE, "10.00", corregge=nuovo)
    mov(T.PROGRAMMAZIONE, "1100.00")
    # Lowering the assignment below what is programmed is refused like any other movement.
    assert "supererebbe le risorse" in rifiutato(T.ASSEGNAZIONE, "1000.00", numero="DGR 1-ter", corregge=nuovo)
    from auditlog.models import LogEntry

    assert LogEntry.objects.get_for_object(nuovo).exists()


def test_residui_move_to_the_next_year_and_closed_years_take_nothing(demo_db):
    mov(T.ASSEGNAZIONE, "500.00")
    mov(T.PROGRAMMAZIONE, "300.00")
    with pytest.raises(ValidationError, match="al più le risorse non programmate del 2030"):
        services.riporta_residuo(None, "alto-sebino", "fsr", ANNO, "200.01", "Det. 1", OGGI)
    fuori, dentro = services.riporta_residuo(None, "alto-sebino", "fsr", ANNO, "200.00", "Det. 1", OGGI)
    assert dentro.origine == fuori
    assert saldo().disponibile == Decimal("0.00")
    assert saldo(anno=ANNO + 1).risorse == Decimal("200.00")
    services.chiudi_esercizio(None, "alto-sebino", "fsr", ANNO, il=datetime.date(2031, 2, 1))
    assert "è chiuso dal 01/02/2031" in rifiutato(T.IMPEGNO, "1.00")


OPERAZIONI = st.lists(
    st.tuples(
        st.sampled_from(
            [T.ASSEGNAZIONE, T.PROGRAMMAZIONE, T.IMPEGNO, T.LIQUIDAZIONE, T.RENDICONTAZIONE, T.ECONOMIA, "correzione"]
        ),
        st.integers(min_value=0, max_value=50_000),
    ),
    max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operazioni=OPERAZIONI)
def test_derived_figures_never_go_negative(demo_db, operazioni):
    with transaction.atomic():
        ultimo = {}
        for tipo, centesimi in operazioni:
            importo = Decimal(centesimi).scaleb(-2)
            prima = selectors.saldo_esercizio(Esercizio.objects.get(pk=ultimo["e"])) if ultimo else None
            try:
                if tipo == "correzione":
                    if "m" not in ultimo:
                        continue
                    bersaglio = Movimento.objects.get(pk=ultimo["m"])
                    m = mov(bersaglio.tipo, importo, corregge=bersaglio, **_campi(bersaglio.tipo))
                else:
                    m = mov(tipo, importo, **_campi(tipo))
                ultimo.update(e=m.esercizio_id, m=m.pk)
            except ValidationError:
                if prima is not None:
                    assert selectors.saldo_esercizio(Esercizio.objects.get(pk=ultimo["e"])) == prima
                continue
            s = saldo()
            for figura in ("disponibile", "impegnato_non_liquidato", "liquidato_non_rendicontato", "residuo"):
                assert getattr(s, figura) >= 0, (figura, s)
            assert 0 <= s.rendicontato <= s.liquidato <= s.impegnato <= s.programmato <= s.risorse
        transaction.set_rollback(True)


def _campi(tipo):
    return {"beneficiario": "Cooperativa"} if tipo in (T.IMPEGNO, T.LIQUIDAZIONE) else {}
