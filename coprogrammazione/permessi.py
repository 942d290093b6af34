"""Who sees and writes the co-programming of a plan and the acts of an Assemblea dei Sindaci.

The rules of plans (programmazione.permessi) decide: what hangs off a plan is seen by whoever
sees the plan (a draft plan's notice, tables and meetings are not public) and written by the
Ufficio di Piano of the plan's Ambito (also after approval: meetings and their outcomes go on
being recorded). The personal data of participants (names and emails of members and of people
present) are shown only to the Ufficio di Piano of the plan's Ambito and to the provincial
coordination. The registry of organisations holds no personal data: everyone reads it; an
Ufficio di Piano or the coordination writes it. The acts of an Assemblea dei Sindaci are public;
the Ufficio di Piano of its Ambito records them.

A member of a table (role «tavolo», `Componente.utente`) sees that table (its members by
organisation, meetings, minutes, outcomes) and the objectives submitted to it for comment, even
of a draft plan, and comments on them while the consultation is open; it sees nothing else of a
draft plan and nothing of another table.

Route rules: `TAVOLO_VISIBILE`, `TAVOLO_SCRIVIBILE`, `TAVOLO_COMMENTABILE` (URL argument `tavolo`),
`REGISTRO_SCRIVIBILE`, `ASSEMBLEA_SCRIVIBILE` (URL argument `codice`, the Ambito).
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from programmazione import permessi as piani
from zona.lib.policies import Regola, fatti, oggetto_o_404


def vede_dati_personali(user, piano):
    f = fatti(user)
    return f.coordinamento or (f.ufficio_di_piano is not None and f.ufficio_di_piano == piano.ambito_id)


def puo_scrivere(user, piano):
    """Records the co-programming of `piano`: the Ufficio di Piano of its Ambito."""
    return piani.puo_modificare(user, piano)


def puo_scrivere_registro(user):
    f = fatti(user)
    return f.coordinamento or f.ufficio_di_piano is not None


def puo_scrivere_assemblea(user, ambito_id):
    f = fatti(user)
    return f.superutente or (f.ufficio_di_piano is not None and f.ufficio_di_piano == ambito_id)


def e_componente(user, tavolo):
    """`user` is a member of `tavolo` (role «tavolo», named by one of its Componente rows)."""
    return fatti(user).componente_tavolo and tavolo.componenti.filter(utente=user).exists()


def tavoli_visibili(user):
    """The tables `user` may see: those of the plans it sees, and a member's own tables (also
    of a draft plan: a member reads its table, not the rest of the plan)."""
    from .models import Componente, Tavolo

    visibili = Tavolo.objects.visibili_a(user)
    if not fatti(user).componente_tavolo:
        return visibili
    propri = Componente.objects.filter(utente=user).values("tavolo")
    return Tavolo.objects.filter(Q(pk__in=visibili.values("pk")) | Q(pk__in=propri))


def vede_consultazioni(user, tavolo):
    """The objectives submitted to the table and the comments: its members, and whoever sees
    the plan (a member's name shows only with `vede_dati_personali` or to the members)."""
    return e_componente(user, tavolo) or piani.puo_vedere(user, tavolo.piano)


def puo_commentare(user, consultazione):
    return consultazione.aperta and e_componente(user, consultazione.tavolo)


def tavolo_da_url(user, kwargs):
    """The table named by the URL if `user` may see it; Http404 otherwise."""
    return oggetto_o_404(tavoli_visibili(user).select_related("piano"), kwargs["tavolo"])


def _ambito(kwargs):
    from territorio.models import Ambito

    return get_object_or_404(Ambito, pk=kwargs["codice"]).pk


TAVOLO_VISIBILE = Regola(
    "chi vede il piano del tavolo (chiunque se il piano è approvato) e i componenti del tavolo",
    lambda user, kwargs: tavolo_da_url(user, kwargs) is not None,
    anonimi=True,
)
TAVOLO_SCRIVIBILE = Regola(
    "l'Ufficio di Piano dell'Ambito del piano",
    lambda user, kwargs: puo_scrivere(user, tavolo_da_url(user, kwargs).piano),
    messaggio="Solo l'Ufficio di Piano dell'Ambito registra la co-programmazione del suo piano.",
)
TAVOLO_COMMENTABILE = Regola(
    "i componenti del tavolo",
    lambda user, kwargs: e_componente(user, tavolo_da_url(user, kwargs)),
    messaggio="Commentano gli obiettivi in consultazione solo i componenti del tavolo.",
)
REGISTRO_SCRIVIBILE = Regola(
    "un Ufficio di Piano o il coordinamento provinciale",
    lambda user, kwargs: puo_scrivere_registro(user),
    messaggio="Il registro delle organizzazioni lo aggiornano gli Uffici di Piano e il coordinamento.",
    per_oggetto=False,
)
ASSEMBLEA_SCRIVIBILE = Regola(
    "l'Ufficio di Piano dell'Ambito",
    lambda user, kwargs: puo_scrivere_assemblea(user, _ambito(kwargs)),
    messaggio="Solo l'Ufficio di Piano dell'Ambito registra le sedute della sua Assemblea dei Sindaci.",
)
