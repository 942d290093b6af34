"""Who records the monitoring of a plan (measurements, status, commitments, evaluation): the
Ufficio di Piano that writes the plan, once the plan is approved (a draft has nothing to
monitor yet). Seeing the monitoring follows the plan's visibility (programmazione.permessi)."""

from programmazione import permessi as piani


def puo_monitorare(user, piano):
    return piani.puo_modificare(user, piano) and piano.pubblico
