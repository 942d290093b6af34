from django import forms

from zona.lib.forms import Bootstrap, FileTabellaField
from zona.lib.ingressi import CampoData, CampoTesto

from .models import InvioEmail, TipoEsito


class ImportaForm(Bootstrap, forms.Form):
    file = FileTabellaField()


class IncontroForm(Bootstrap, forms.Form):
    data = CampoData(label="Data")
    ora = forms.TimeField(label="Ora", required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    luogo = CampoTesto(label="Luogo", max_lunghezza=300, required=False)
    online = forms.BooleanField(label="A distanza", required=False)
    ordine_del_giorno = CampoTesto(label="Ordine del giorno", max_lunghezza=5000, multilinea=True, required=False)
    verbale = CampoTesto(label="Verbale", max_lunghezza=20000, multilinea=True, required=False)
    presenti = forms.ModelMultipleChoiceField(
        label="Organizzazioni presenti", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organizzazioni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenti"].queryset = organizzazioni


class EsitoForm(Bootstrap, forms.Form):
    tipo = forms.ChoiceField(label="Tipo", choices=TipoEsito.choices)
    testo = CampoTesto(label="Bisogno o proposta", max_lunghezza=5000, multilinea=True)
    incontro = forms.ModelChoiceField(label="Incontro", queryset=None, required=False)
    obiettivi = forms.ModelMultipleChoiceField(
        label="Obiettivi del piano che rispondono", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, incontri, obiettivi, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incontro"].queryset = incontri
        self.fields["obiettivi"].queryset = obiettivi


class InvioForm(Bootstrap, forms.Form):
    incontro = forms.ModelChoiceField(label="Incontro", queryset=None)
    tipo = forms.ChoiceField(label="Che cosa inviare", choices=InvioEmail.Tipo.choices)

    def __init__(self, *args, incontri, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incontro"].queryset = incontri
