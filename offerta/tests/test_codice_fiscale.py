"""The codice fiscale of an ente gestore: its check character (zona.lib.valori)."""

import pytest

from zona.lib import valori


@pytest.mark.parametrize(
    ("testo", "atteso"),
    [
        ("80034840167", "80034840167"),
        ("RSSMRA85T10A562S", "RSSMRA85T10A562S"),
        ("rssmra85t10a562s", "RSSMRA85T10A562S"),
        ("80034840160", None),
        ("RSSMRA85T10A562T", None),
        ("1234", None),
    ],
)
def test_codice_fiscale_check_character(testo, atteso):
    if atteso is None:
        with pytest.raises(valori.ValoreNonValido):
            valori.codice_fiscale(testo)
    else:
        assert valori.codice_fiscale(testo) == atteso
