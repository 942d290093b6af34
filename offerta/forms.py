from django import forms

from zona.lib.forms import Bootstrap, FileTabellaField
from zona.lib.locking import VersioneForm

from .models import UnitaOfferta

_DATA = {"type": "date"}


class UnitaForm(Bootstrap, VersioneForm):
    def __init__(self, *args, comuni=None, **kwargs):
        super().__init__(*args, **kwargs)
        if comuni is not None:
            self.fields["comune"].queryset = comuni
        self.fields["comune"].label_from_instance = lambda c: c.nome

    class Meta:
        model = UnitaOfferta
        fields = [
            "tipo",
            "nome",
            "ente_gestore",
            "natura_ente",
            "codice_fiscale_ente",
            "indirizzo",
            "comune",
            "telefono",
            "email",
            "autorizzata_il",
            "accreditata_il",
            "posti_autorizzati",
            "posti_accreditati",
            "contratto_ambito",
            "importo_contratto",
            "apertura",
            "fonte",
        ]
        widgets = {
            "autorizzata_il": forms.DateInput(attrs=_DATA, format="%Y-%m-%d"),
            "accreditata_il": forms.DateInput(attrs=_DATA, format="%Y-%m-%d"),
        }


class ImportaForm(forms.Form):
    file = FileTabellaField()
