from django import forms

from zona.lib.forms import FileTabellaField
from zona.lib.ingressi import Limitato
from zona.lib.locking import VersioneForm

from .models import Comune, Incarico, Organo, Ruolo


class DataForm(Limitato, forms.Form):
    data = forms.DateField(
        label="Situazione al",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Data non valida: usare il formato GG/MM/AAAA."},
    )


class CercaForm(Limitato, forms.Form):
    q = forms.CharField(label="Nome del Comune", max_length=100, required=False)


class ContattiComuneForm(VersioneForm):
    sito_web = forms.URLField(
        label="Sito web",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Indirizzo del sito non valido (es. https://www.comune.esempio.it)."},
    )

    class Meta:
        model = Comune
        fields = ["pec", "sito_web", "telefono"]
        error_messages = {
            "pec": {"invalid": "Indirizzo PEC non valido."},
        }


class UfficioDiPianoForm(VersioneForm):
    sito_web = forms.URLField(
        label="Sito web",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": "Indirizzo del sito non valido (es. https://www.ambito.esempio.it)."},
    )

    class Meta:
        model = Organo
        fields = ["indirizzo", "telefono", "email", "sito_web"]
        labels = {"email": "Email"}
        error_messages = {"email": {"invalid": "Indirizzo email non valido (es. ufficio.piano@comune.esempio.it)."}}


class IncaricoForm(Limitato, forms.ModelForm):
    persona_nome = forms.CharField(label="Nome e cognome", max_length=200)

    class Meta:
        model = Incarico
        fields = ["organo", "ruolo", "qualifica", "comune", "dal", "al"]
        widgets = {
            "dal": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "al": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, organi, comuni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organo"].queryset = organi
        self.fields["comune"].queryset = comuni
        self.fields["ruolo"].choices = Ruolo.choices
        self.fields["dal"].required = True
        self.fields["dal"].label = "In carica dal"
        self.fields["al"].label = "Fino al (vuoto se in corso)"

    def clean(self):
        cleaned = super().clean()
        dal, al = cleaned.get("dal"), cleaned.get("al")
        if dal and al and al < dal:
            self.add_error("al", "La data di fine non può precedere la data di inizio.")
        return cleaned


class ImportaAppartenenzeForm(Limitato, forms.Form):
    file = FileTabellaField()
