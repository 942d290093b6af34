"""Name matching that forgives accents, apostrophes, case and spacing."""

import re
import unicodedata


def normalizza(nome):
    """`Urganò`, `URGANO` and `urgano` give the same key; so do `Torre dé Roveri` and
    `Torre de' Roveri`."""
    decomposed = unicodedata.normalize("NFKD", nome or "")
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", without_accents.lower()).strip()
