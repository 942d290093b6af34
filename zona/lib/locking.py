"""Optimistic locking: two people edit the same record, the second save is refused.

Nobody holds a lock while a form is open (people leave forms open for hours); instead every
editable record carries a version number, the form sends back the version it was read at,
and the save succeeds only if the record is still at that version. Otherwise the user gets a
message saying who changed what, and when (from the audit trail when the model is audited,
else the current values), and nothing is written. A form that edits an existing record without
sending a version is refused too: an old page or a hand-made request cannot skip the check.

How to use it, for a model that users edit (a Comune's contacts, an Obiettivo, a Valutazione):

1. The model inherits `ConVersione` (adds `versione`, a positive integer starting at 1), or
   declares the same field, and a migration adds the column (existing rows get version 1).
2. A ModelForm inherits `VersioneForm` (a hidden, required `versione`, filled from the
   instance); a plain form declares `versione = CampoVersione()` and the view passes
   `initial={"versione": obj.versione}`.
3. The service saves through `salva_con_versione`, as territorio.services.aggiorna_contatti::

       def aggiorna_contatti(oggetto, dati, versione_letta):
           return salva_con_versione(oggetto, versione_letta, **dati)

   or, when a ModelForm already put the user's values on the instance
   (programmazione.services.salva_obiettivo), `salva_con_versione(obiettivo, versione_letta)`.
4. The view passes `form.cleaned_data["versione"]` and, on `ModificaConcorrente` (a
   ValidationError), calls `mostra_conflitto(form, e)`: the message goes on the form and the
   hidden field takes the current version, so a second submit, after reading the message, is a
   deliberate overwrite. Views that redirect show `e.messages` instead.

Every save through `salva_con_versione` runs `full_clean()` and the model's `save()`, so
signals (the audit trail) see it like any other save. Changes made elsewhere with
`QuerySet.update()` must increment `versione` themselves (`versione=F("versione") + 1`).
zona/tests/test_versioni.py posts every form with a version, from two clients, and without it.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from .ingressi import Limitato


class ConVersione(models.Model):
    versione = models.PositiveIntegerField(
        default=1, editable=False, help_text="Aumenta a ogni salvataggio: rifiuta le modifiche fatte su dati vecchi."
    )

    class Meta:
        abstract = True


MANCA_VERSIONE = "Manca la versione dei dati letti: ricarica la pagina e ripeti la modifica."


class ModificaConcorrente(ValidationError):
    """Raised when the record changed after the user read it. `modifiche` lists what changed:
    dicts with `campo` and `dopo` (the value now), plus `prima`, `chi`, `quando` when the audit
    trail knows them."""

    def __init__(self, oggetto, versione_letta, versione_attuale, modifiche, messaggio=None):
        self.oggetto = oggetto
        self.versione_letta = versione_letta
        self.versione_attuale = versione_attuale
        self.modifiche = modifiche
        super().__init__(messaggio or self._messaggio(), code="modifica_concorrente")

    def _messaggio(self):
        testo = (
            "Qualcuno ha salvato questa scheda dopo che l'avete aperta: le vostre modifiche non sono state "
            "salvate per non sovrascrivere le sue."
        )
        # One sentence per save (who, when), the latest first.
        salvataggi = {}
        attuali = []
        for m in self.modifiche:
            if "prima" in m:
                salvataggi.setdefault((m.get("chi") or "un altro utente", m.get("quando")), []).append(
                    f"{m['campo']}: «{_breve(m['prima'])}» → «{_breve(m['dopo'])}»"
                )
            else:
                attuali.append(f"{m['campo']} ora «{_breve(m['dopo'])}»")
        for n, ((chi, quando), cambi) in enumerate(reversed(salvataggi.items())):
            quando = f" il {timezone.localtime(quando).strftime('%d/%m/%Y %H:%M')}" if quando else ""
            testo += f" {'Ultima modifica' if n == 0 else 'Prima, modifica'} di {chi}{quando}: {'; '.join(cambi)}."
        if attuali:
            testo += " Valori attuali: " + "; ".join(attuali) + "."
        return testo + " Controllare i valori attuali e, se serve, salvare di nuovo le proprie modifiche."


def _breve(valore, n=80):
    testo = "" if valore is None else str(valore)
    return testo if len(testo) <= n else testo[: n - 1] + "…"


def _etichetta(modello, nome):
    try:
        return str(modello._meta.get_field(nome).verbose_name)
    except Exception:
        return nome


def _modifiche_dal_registro(attuale, versione_letta):
    """What the audit trail says changed after `versione_letta`, oldest first (or None if the
    model is not audited)."""
    from auditlog.registry import auditlog

    if not auditlog.contains(type(attuale)):
        return None
    from auditlog.models import LogEntry

    modifiche = []
    for voce in LogEntry.objects.get_for_object(attuale).select_related("actor").order_by("timestamp", "pk"):
        cambi = voce.changes_dict
        versione = cambi.get("versione")
        try:
            dopo = int(versione[1]) if versione else None
        except (TypeError, ValueError):
            dopo = None
        if dopo is None or dopo <= versione_letta:
            continue
        for campo, (prima, nuovo) in cambi.items():
            if campo == "versione":
                continue
            modifiche.append(
                {
                    "campo": _etichetta(type(attuale), campo),
                    "prima": prima,
                    "dopo": nuovo,
                    "chi": voce.actor.get_username() if voce.actor else "",
                    "quando": voce.timestamp,
                }
            )
    return modifiche


def salva_con_versione(obj, versione_letta, *, valida=True, **campi):
    """Set `campi` on `obj` and save it, if its row is still at `versione_letta`.

    A new object (no primary key) is simply saved, at version 1. Returns `obj` (version increased
    by one). Raises `ModificaConcorrente` (a ValidationError, message in Italian naming who
    changed what) if someone saved in between, a ValidationError if `versione_letta` is missing,
    or the model's ValidationError from `full_clean()` (skipped with `valida=False` when the
    caller validated already); in every case nothing is written."""
    modello = type(obj)
    manager = modello._default_manager
    with transaction.atomic():
        if obj.pk is None or obj._state.adding:
            for nome, valore in campi.items():
                setattr(obj, nome, valore)
            if valida:
                obj.full_clean()
            obj.save()
            return obj
        if versione_letta in (None, ""):
            raise ValidationError(MANCA_VERSIONE, code="versione_mancante")
        versione_letta = int(versione_letta)
        # A no-op UPDATE takes the write lock first (a row lock on PostgreSQL, the database lock
        # on SQLite), so two saves of the same row run one after the other, never interleaved.
        manager.filter(pk=obj.pk).update(versione=F("versione"))
        attuale = manager.get(pk=obj.pk)
        if attuale.versione != versione_letta:
            modifiche = _modifiche_dal_registro(attuale, versione_letta)
            if modifiche is None:  # no audit trail: show the current values that differ
                for nome, valore in campi.items():
                    setattr(obj, nome, valore)
                modifiche = [
                    {"campo": _etichetta(modello, f.attname), "dopo": getattr(attuale, f.attname)}
                    for f in modello._meta.concrete_fields
                    if f.editable and getattr(attuale, f.attname) != getattr(obj, f.attname)
                ]
            raise ModificaConcorrente(attuale, versione_letta, attuale.versione, modifiche)
        for nome, valore in campi.items():
            setattr(obj, nome, valore)
        obj.versione = attuale.versione + 1
        try:
            if valida:
                obj.full_clean()
            obj.save()
        except Exception:
            obj.versione = attuale.versione
            raise
    return obj


class CampoVersione(forms.IntegerField):
    """The hidden field that sends back the version a form was read at; required."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("error_messages", {"required": MANCA_VERSIONE})
        super().__init__(**kwargs)


def mostra_conflitto(form, errore):
    """Show a refused save on the form; after a concurrent change the hidden version becomes the
    current one, so that the next submit, made after reading the message, is deliberate."""
    form.add_error(None, errore)
    if isinstance(errore, ModificaConcorrente):
        dati = form.data.copy()
        dati[form.add_prefix("versione")] = errore.versione_attuale
        form.data = dati


class VersioneForm(Limitato, forms.ModelForm):
    """A ModelForm that sends back the version of the record it shows."""

    versione = CampoVersione()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None or self.instance._state.adding:
            self.fields["versione"].required = False  # a new record: nothing read, nothing to check
        else:
            self.fields["versione"].initial = self.instance.versione
