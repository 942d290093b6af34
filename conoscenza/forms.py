from django import forms
from django.conf import settings

from zona.lib.forms import FileTabellaField
from zona.lib.ingressi import Limitato


class CaricaDatiForm(Limitato, forms.Form):
    # ISTAT's population files are larger than the Zona layout: their own limit is checked
    # by the importer; this one only keeps absurd uploads out of memory.
    file = FileTabellaField(max_bytes=settings.ZONA_MAX_UPLOAD_BYTES * 20)
    formato = forms.ChoiceField(
        label="Formato",
        choices=[
            ("auto", "Riconosci automaticamente"),
            ("zona", "Formato Zona (modello scaricabile)"),
            ("istat", "File ISTAT della popolazione per età e sesso"),
        ],
        initial="auto",
    )
    anno = forms.IntegerField(
        label="Anno (solo file ISTAT senza anno nel titolo)", required=False, min_value=1861, max_value=2100
    )
    fonte = forms.CharField(label="Fonte dei dati", max_length=300, required=False)
