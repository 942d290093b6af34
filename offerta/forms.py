from django import forms

from zona.lib.forms import Bootstrap, FileTabellaField
from zona.lib.ingressi import CampoDecimale, CampoTesto
from zona.lib.locking import CampoVersione, VersioneForm

from . import importa
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
        # The unit's attributes: the columns of the import, in the same order.
        fields = importa.COLONNE
        widgets = {
            "autorizzata_il": forms.DateInput(attrs=_DATA, format="%Y-%m-%d"),
            "accreditata_il": forms.DateInput(attrs=_DATA, format="%Y-%m-%d"),
        }


class ImportaForm(forms.Form):
    file = FileTabellaField()


class RilevazioneForm(Bootstrap, forms.Form):
    """The figure of one LEPS for the Ambito and the year of the page; `versione` is the one the
    page showed (0: nothing recorded yet)."""

    leps = forms.CharField(widget=forms.HiddenInput, max_length=50)
    valore = CampoDecimale(label="Valore", max_cifre=12, decimali=2, minimo=0, massimo=10_000_000)
    fonte = CampoTesto(label="Fonte", max_lunghezza=300)
    versione = CampoVersione()
