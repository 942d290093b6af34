import datetime

from django import forms

from programmazione.models import Fondo, MotivoAttuazione, StatoAttuazione
from zona.lib.forms import Bootstrap
from zona.lib.locking import CampoVersione, VersioneForm

from .models import Valutazione


class MisurazioneForm(Bootstrap, forms.Form):
    anno = forms.TypedChoiceField(label="Anno", coerce=int)
    semestre = forms.TypedChoiceField(
        label="Periodo",
        coerce=lambda v: int(v) if v else None,
        empty_value=None,
        required=False,
        choices=[("", "Intero anno"), ("1", "1° semestre"), ("2", "2° semestre")],
    )
    data = forms.DateField(
        label="Data della rilevazione", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valore = forms.DecimalField(label="Valore", max_digits=14, decimal_places=4)
    nota = forms.CharField(label="Nota", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # The version of the measurement of the chosen period the user saw, 0 when none: a second
    # measurement for the same indicator and period is a conflict with the first
    # (monitoraggio.services.registra_misurazione).
    versione = CampoVersione(initial=0)

    def __init__(self, *args, anni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anno"].choices = [(a, a) for a in anni]
        self.initial.setdefault("data", datetime.date.today())


class StatoForm(Bootstrap, forms.Form):
    stato = forms.ChoiceField(label="Stato di attuazione", choices=StatoAttuazione.choices)
    motivo = forms.ChoiceField(
        label="Motivo (se non attuato pienamente)", choices=[("", "—")] + MotivoAttuazione.choices, required=False
    )
    versione = CampoVersione()


class ImpegnoForm(Bootstrap, forms.Form):
    anno = forms.TypedChoiceField(label="Anno", coerce=int)
    fondo = forms.ChoiceField(label="Fondo", choices=Fondo.choices)
    impegnato = forms.DecimalField(label="Impegnato (€)", max_digits=12, decimal_places=2, min_value=0)
    liquidato = forms.DecimalField(label="Liquidato (€)", max_digits=12, decimal_places=2, min_value=0, initial=0)

    def __init__(self, *args, anni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anno"].choices = [(a, a) for a in anni]


SI_NO = [(None, "—"), (True, "Sì"), (False, "No")]


class ValutazioneForm(Bootstrap, VersioneForm):
    class Meta:
        model = Valutazione
        fields = [
            "grado_raggiungimento",
            "valutazione_utenti",
            "coincidenza_risorse",
            "criticita",
            "piano_miglioramento",
            "risposto_bisogno",
            "risposto_bisogno_motivo",
            "continuita_precedente",
            "riproposto",
            "riproposto_motivo",
        ]
        widgets = {
            **{
                c: forms.Textarea(attrs={"rows": 3})
                for c in (
                    "valutazione_utenti",
                    "criticita",
                    "piano_miglioramento",
                    "risposto_bisogno_motivo",
                    "riproposto_motivo",
                )
            },
            **{c: forms.Select(choices=SI_NO) for c in ("risposto_bisogno", "continuita_precedente", "riproposto")},
        }
