"""Who may see and write plans and their objectives: the one home of these rules.

Visibility: an approved plan (any state after the draft) is public; a draft is seen by its
Ambito (its Ufficio di Piano and the users of its Comuni) and by the provincial coordination.
`q_visibili` says it as a database filter, used by `Piano.objects.visibili_a(user)` and
`Obiettivo.objects.visibili_a(user)` (models.py), which every page, API operation, export,
document and chart that shows plans or objectives goes through; `puo_vedere` says the same of
one plan already in memory. A plan the user may not see does not exist for them: its URLs
answer 404, exactly like a missing id (`piano_da_url`), for anonymous visitors too (a redirect
to the login page would tell that the id exists).

Writing: only the Ufficio di Piano of the plan's Ambito (and superusers) writes a plan;
whether its content may still change (a draft, or an open revision) is a rule of the plan
itself (`Piano.modificabile`).

ATS and ASST users read every plan of their territory (`nel_territorio_sanitario`: the Ambiti
whose Distretti belonged to the agency during the plan's triennio), drafts included, and write
only the socio-health objectives whose `Corresponsabilita` names their agency
(`corresponsabile`, `puo_modificare_obiettivo`).

Route rules (for `zona.lib.policies.policy`): `PIANO_VISIBILE`, `PIANO_SCRIVIBILE`,
`OBIETTIVO_SCRIVIBILE`, `UFFICIO_DI_PIANO`. Templates do not decide: views pass the booleans of `puo_modificare` and
`modificabile`.
"""

from django.db.models import Q

from zona.lib.policies import Regola, fatti, oggetto_o_404

BOZZA = "bozza"  # StatoPiano.BOZZA, spelled here so that models.py can import this module


def q_visibili(user, piano=""):
    """A filter on plans (or, with `piano="piano__"`, on anything that hangs off a plan) that
    keeps what `user` may see; None when the user sees everything."""
    f = fatti(user)
    if f.coordinamento:
        return None
    visibili = ~Q(**{f"{piano}stato": BOZZA})
    if f.ambiti:
        visibili |= Q(**{f"{piano}ambito__in": sorted(f.ambiti)})
    for ambito, dal, al in sorted(f.territorio_sanitario):
        # An ATS or ASST reads every plan of its territory, drafts too: the plan's triennio
        # overlaps a time when its Ambito was in one of the agency's Distretti.
        visibili |= Q(**{f"{piano}ambito": ambito, f"{piano}anno_inizio__lte": al, f"{piano}anno_fine__gte": dal})
    return visibili


def nel_territorio_sanitario(user, piano):
    """The plan is of the territory of the user's ATS or ASST, at the plan's dates."""
    return any(
        ambito == piano.ambito_id and piano.anno_inizio <= al and piano.anno_fine >= dal
        for ambito, dal, al in fatti(user).territorio_sanitario
    )


def puo_vedere(user, piano):
    f = fatti(user)
    return (
        f.coordinamento or piano.stato != BOZZA or piano.ambito_id in f.ambiti or nel_territorio_sanitario(user, piano)
    )


def puo_modificare(user, piano):
    """Write access to the plan (content, state, accordo): the Ufficio di Piano of its Ambito."""
    f = fatti(user)
    return f.superutente or (f.ufficio_di_piano is not None and f.ufficio_di_piano == piano.ambito_id)


def corresponsabile(user, obiettivo):
    """The user's ATS or ASST shares the responsibility of `obiettivo`: a socio-health objective
    of a plan of its territory that names the agency among its `Corresponsabilita`. It writes
    that objective and measures its indicators, nothing else of the plan."""
    f = fatti(user)
    if not f.ente_sanitario or not obiettivo.integrazione_sociosanitaria:
        return False
    if not nel_territorio_sanitario(user, obiettivo.piano):
        return False
    parte = {"ats_id": f.ats} if f.ats is not None else {"asst_id": f.asst}
    return obiettivo.corresponsabili.filter(**parte).exists()


def puo_modificare_obiettivo(user, obiettivo):
    """Write access to an existing objective: the plan's writers, or a co-responsible agency."""
    return puo_modificare(user, obiettivo.piano) or corresponsabile(user, obiettivo)


def modificabile(user, piano):
    """The user may change the plan's content now: write access, and a draft or an open revision."""
    return puo_modificare(user, piano) and piano.modificabile()


def puo_creare(user):
    """A new plan is created by an Ufficio di Piano, for its own Ambito (superusers for any)."""
    f = fatti(user)
    return f.superutente or f.ufficio_di_piano is not None


def piano_da_url(user, kwargs):
    """The plan named by the URL (`pk` of a plan, or `obiettivo` of one of its objectives), if
    `user` may see it; Http404 otherwise, as for an id that does not exist."""
    from .models import Obiettivo, Piano

    if "pk" in kwargs:
        return oggetto_o_404(Piano.objects.visibili_a(user), kwargs["pk"])
    return oggetto_o_404(Obiettivo.objects.visibili_a(user).select_related("piano"), kwargs["obiettivo"]).piano


PIANO_VISIBILE = Regola(
    "chiunque se il piano è approvato; in bozza l'Ambito e il coordinamento provinciale (per gli altri non esiste)",
    lambda user, kwargs: piano_da_url(user, kwargs) is not None,
    anonimi=True,
)
PIANO_SCRIVIBILE = Regola(
    "l'Ufficio di Piano dell'Ambito",
    lambda user, kwargs: puo_modificare(user, piano_da_url(user, kwargs)),
    messaggio="Solo l'Ufficio di Piano dell'Ambito modifica il suo piano.",
)


def obiettivo_da_url(user, kwargs):
    from .models import Obiettivo

    return oggetto_o_404(Obiettivo.objects.visibili_a(user).select_related("piano"), kwargs["obiettivo"])


OBIETTIVO_SCRIVIBILE = Regola(
    "l'Ufficio di Piano dell'Ambito, o l'ATS o l'ASST corresponsabile di un obiettivo sociosanitario",
    lambda user, kwargs: puo_modificare_obiettivo(user, obiettivo_da_url(user, kwargs)),
    messaggio="Solo l'Ufficio di Piano dell'Ambito, o l'ATS o l'ASST corresponsabile dell'obiettivo "
    "sociosanitario, modifica questo obiettivo.",
)
UFFICIO_DI_PIANO = Regola(
    "un Ufficio di Piano",
    lambda user, kwargs: puo_creare(user),
    messaggio="Solo un Ufficio di Piano crea il piano del suo Ambito.",
    per_oggetto=False,
)
