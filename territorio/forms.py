from django import forms
from django.conf import settings

from zona.locking import VersioneForm

from .models import Comune, Incarico, Organo, Ruolo
from .tabular import dimensione


class DataForm(forms.Form):
    data = forms.DateField(
        label="Situazione al",
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Data non valida: usare il formato GG/MM/AAAA."},
    )


class CercaForm(forms.Form):
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
    class Meta:
        model = Organo
        fields = ["indirizzo", "telefono", "email", "sito_web"]
        labels = {"email": "Email", "sito_web": "Sito web"}


class IncaricoForm(forms.ModelForm):
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


class FileTabellaField(forms.FileField):
    """A CSV or XLSX upload, refused by its size before anyone reads it into memory (the
    content is checked by territorio.tabular.leggi_tabella)."""

    def __init__(self, *, max_bytes=None, **kwargs):
        self.max_bytes = max_bytes
        kwargs.setdefault("label", "File CSV o XLSX")
        kwargs.setdefault("error_messages", {"required": "Scegliere un file da caricare."})
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        f = super().clean(data, initial)
        limite = self.max_bytes or settings.ZONA_MAX_UPLOAD_BYTES
        if f is not None and f.size > limite:
            raise forms.ValidationError(f"Il file pesa {dimensione(f.size)}: il massimo è {dimensione(limite)}.")
        return f


class ImportaAppartenenzeForm(forms.Form):
    file = FileTabellaField()
