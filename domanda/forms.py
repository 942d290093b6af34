from django import forms

from zona.lib.forms import Bootstrap, FileTabellaField


class CaricaEstrattoForm(Bootstrap, forms.Form):
    file = FileTabellaField(label="Estratto CSI (CSV o XLSX)")
    periodo = forms.IntegerField(label="Anno dell'estratto", min_value=1990, max_value=2100)
