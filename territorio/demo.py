"""The registry part of the Bergamo demo: the Comuni of the province, their Ambiti, names and
governing bodies (zona/management/commands/load_demo.py runs each app's demo in order)."""

from zona.lib.tabular import FileRifiutato

from . import services


class DemoNonCaricata(Exception):
    pass


def carica_demo():
    """Returns (Comuni read from the ISTAT list, memberships from the Prologo 2025-2027)."""
    comuni = services.carica_comuni_istat(["BG"])
    services.carica_storia_comuni()
    services.carica_struttura()
    services.carica_alias()
    try:
        appartenenze = services.carica_appartenenze_prologo_2025()
    except FileRifiutato as e:
        raise DemoNonCaricata("Tabella degli Ambiti del Prologo 2025-2027 non caricata:\n" + str(e)) from e
    services.carica_organi()
    return comuni, appartenenze
