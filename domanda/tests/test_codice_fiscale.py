"""The codice fiscale's checks on many codes at once (controlla_molti, the quick import's) say
what the one-code checks say (controlla, sesso_e_anno), for valid codes, omocodic ones and
every kind of wrong one."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from domanda import codice_fiscale as cf
from zona.lib.codice_fiscale import controllo_alfanumerico

_OMOCODIA = dict(zip("0123456789", "LMNPQRSTUV", strict=True))


@st.composite
def codici(draw):
    """Codes near valid ones: a valid code, some digits as their omocodia letters, then maybe
    one character changed (anywhere: a wrong form, check or day) with the check recomputed or not."""
    codice = cf.componi(
        draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=6, max_size=6)),
        draw(st.integers(0, 99)),
        draw(st.integers(1, 12)),
        draw(st.integers(1, 31)),
        draw(st.sampled_from("MF")),
        draw(st.sampled_from("ABCDEFGHILMZ")) + draw(st.text("0123456789", min_size=3, max_size=3)),
    )
    caratteri = list(codice[:15])
    for i in draw(st.sets(st.sampled_from([6, 7, 9, 10, 12, 13, 14]))):
        caratteri[i] = _OMOCODIA[caratteri[i]]
    if draw(st.booleans()):
        caratteri[draw(st.integers(0, 14))] = draw(st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    codice = "".join(caratteri)
    controllo = controllo_alfanumerico(codice)
    if draw(st.booleans()):
        controllo = draw(st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return codice + controllo


@settings(max_examples=300, deadline=None)
@given(st.lists(codici(), min_size=1, max_size=40), st.integers(1990, 2100))
def test_many_codes_at_once_as_one_by_one(lista, anno):
    errori, femmine, anni = cf.controlla_molti(np.frombuffer("".join(lista).encode(), dtype=np.uint8), anno)
    for codice, errore, femmina, anno_nascita in zip(lista, errori, femmine, anni, strict=True):
        try:
            cf.controlla(codice)
        except cf.CodiceNonValido as e:
            assert cf.ERRORI[errore] == str(e), codice
            continue
        assert errore == 0, codice
        assert (("F" if femmina else "M"), anno_nascita) == cf.sesso_e_anno(codice, anno)


def test_each_kind_of_error():
    valido = cf.componi("RSSMRA", 48, 3, 12, "M", "A794")
    mese = valido[:8] + "Z" + valido[9:15]  # no month is Z
    giorno = valido[:9] + "88" + valido[11:15]
    controllo = "B" if valido[15] == "A" else "A"
    lista = [
        valido,
        mese + controllo_alfanumerico(mese),
        valido[:15] + controllo,
        giorno + controllo_alfanumerico(giorno),
    ]
    errori, _, _ = cf.controlla_molti(np.frombuffer("".join(lista).encode(), dtype=np.uint8), 2024)
    assert [cf.ERRORI[e] for e in errori] == [None, cf.NON_VALIDO, cf.CONTROLLO_ERRATO, cf.GIORNO_IMPOSSIBILE]
