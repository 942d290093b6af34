"""Who records the monitoring of a plan (measurements, status, commitments, evaluation): the
Ufficio di Piano that writes the plan, once the plan is approved (a draft has nothing to
monitor yet). An ATS or ASST co-responsible for a socio-health objective
(programmazione.permessi.corresponsabile) records the measurements of that objective's
indicators (the integration indicators), nothing else. Seeing the monitoring follows the
plan's visibility (programmazione.permessi).

Route rule: `INDICATORE_MISURABILE` (URL arguments `obiettivo`, `indicatore`)."""

from programmazione import permessi as piani
from zona.lib.policies import Regola


def puo_monitorare(user, piano):
    return piani.puo_modificare(user, piano) and piano.pubblico


def puo_misurare(user, obiettivo):
    """Records measurements of the indicators of `obiettivo`, of an approved plan."""
    return obiettivo.piano.pubblico and (
        piani.puo_modificare(user, obiettivo.piano) or piani.corresponsabile(user, obiettivo)
    )


def _puo_da_url(user, kwargs):
    # The route's rule is about access (a draft's measurement is refused by the service, with
    # its message), so the plan's state is not asked here.
    obiettivo = piani.obiettivo_da_url(user, kwargs)
    return piani.puo_modificare(user, obiettivo.piano) or piani.corresponsabile(user, obiettivo)


INDICATORE_MISURABILE = Regola(
    "l'Ufficio di Piano dell'Ambito, o l'ATS o l'ASST corresponsabile dell'obiettivo sociosanitario",
    _puo_da_url,
    messaggio="Solo l'Ufficio di Piano dell'Ambito, o l'ATS o l'ASST corresponsabile dell'obiettivo "
    "sociosanitario, registra le misurazioni dei suoi indicatori.",
)
