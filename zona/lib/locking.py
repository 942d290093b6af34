"""Optimistic locking: two people edit the same record, the second save is refused.

Nobody holds a lock while a form is open (people leave forms open for hours); instead every
editable record carries a version number, the form sends back the version it was read at,
and the save succeeds only if the record is still at that version. Otherwise the user gets a
message saying who changed what in the meantime (from the audit trail when the model is
audited, else the current values), and nothing is written.

How to use it, for a model that users edit (an Obiettivo, a Misurazione, a Comune's contacts):

1. The model inherits `ConVersione` (adds `versione`, a positive integer starting at 1), and a
   migration adds the column (existing rows get version 1).
2. The form inherits `VersioneForm` (a hidden `versione` field, filled from the instance) and
   lists its own fields as usual; `versione` is not one of the model fields it edits.
3. The service saves through `salva_con_versione`::

       def aggiorna_obiettivo(obiettivo, versione_letta, dati, utente=None):
           return salva_con_versione(obiettivo, versione_letta, **dati)

4. The view passes `form.cleaned_data["versione"]` and, on `ModificaConcorrente` (a
   ValidationError), adds it to the form (`form.add_error(None, e)`) and renders the form
   again; `VersioneForm.ricarica_versione(obj)` puts the current version in the hidden field,
   so a second submit, after reading the message, is a deliberate overwrite.

Every save through `salva_con_versione` runs `full_clean()` and the model's `save()`, so
signals (the audit trail) see it like any other save. Changes made elsewhere with
`QuerySet.update()` must increment `versione` themselves (`versione=F("versione") + 1`).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone


class ConVersione(models.Model):
    versione = models.PositiveIntegerField(
        default=1, editable=False, help_text="Aumenta a ogni salvataggio: rifiuta le modifiche fatte su dati vecchi."
    )

    class Meta:
        abstract = True


class ModificaConcorrente(ValidationError):
    """Raised when the record changed after the user read it. `modifiche` lists what changed:
    dicts with `campo` and `dopo` (the value now), plus `prima`, `chi`, `quando` when the audit
    trail knows them."""

    def __init__(self, oggetto, versione_letta, versione_attuale, modifiche):
        self.oggetto = oggetto
        self.versione_letta = versione_letta
        self.versione_attuale = versione_attuale
        self.modifiche = modifiche
        super().__init__(self._messaggio(), code="modifica_concorrente")

    def _messaggio(self):
        nome = self.oggetto._meta.verbose_name
        testo = (
            f"Salvataggio rifiutato: dopo che hai aperto la pagina qualcun altro ha modificato questo {nome} "
            f"(versione {self.versione_letta}, ora {self.versione_attuale})."
        )
        if self.modifiche:
            parti = []
            for m in self.modifiche:
                chi = ""
                if m.get("chi") or m.get("quando"):
                    quando = timezone.localtime(m["quando"]).strftime("%d/%m/%Y %H:%M") if m.get("quando") else ""
                    chi = f" ({', '.join(x for x in [m.get('chi') or '', quando] if x)})"
                if "prima" in m:
                    parti.append(f"{m['campo']}: «{m['prima']}» → «{m['dopo']}»{chi}")
                else:
                    parti.append(f"{m['campo']}: ora «{m['dopo']}»")
            testo += " Modifiche intervenute: " + "; ".join(parti) + "."
        return testo + " Controlla i valori attuali e, se serve, salva di nuovo le tue modifiche."


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


def salva_con_versione(obj, versione_letta, **campi):
    """Set `campi` on `obj` and save it, if its row is still at `versione_letta`.

    Returns the saved instance (version increased by one). Raises `ModificaConcorrente` (a
    ValidationError, message in Italian naming what changed) if someone saved in between,
    or the model's ValidationError from `full_clean()`; in both cases nothing is written."""
    modello = type(obj)
    manager = modello._default_manager
    with transaction.atomic():
        # A no-op UPDATE takes the write lock first (a row lock on PostgreSQL, the database lock
        # on SQLite), so two saves of the same row run one after the other, never interleaved.
        manager.filter(pk=obj.pk).update(versione=F("versione"))
        attuale = manager.get(pk=obj.pk)
        if attuale.versione != int(versione_letta):
            modifiche = _modifiche_dal_registro(attuale, int(versione_letta))
            if modifiche is None:  # no audit trail: show the current values that differ
                modifiche = [
                    {"campo": _etichetta(modello, k), "dopo": getattr(attuale, k)}
                    for k, v in campi.items()
                    if getattr(attuale, k) != v
                ]
            raise ModificaConcorrente(attuale, int(versione_letta), attuale.versione, modifiche)
        for nome, valore in campi.items():
            setattr(attuale, nome, valore)
        attuale.versione = attuale.versione + 1
        attuale.full_clean()
        attuale.save()
    # The caller's instance follows the saved one.
    for nome in list(campi) + ["versione"]:
        setattr(obj, nome, getattr(attuale, nome))
    return attuale


class VersioneForm(forms.ModelForm):
    """A ModelForm that sends back the version of the record it shows."""

    versione = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": "Manca la versione dei dati letti: ricarica la pagina e ripeti la modifica."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and self.instance.pk is not None:
            self.fields["versione"].initial = self.instance.versione

    def ricarica_versione(self, versione_attuale):
        """After a refused save: the next submit is made against the current version."""
        dati = self.data.copy()
        dati[self.add_prefix("versione")] = versione_attuale
        self.data = dati
