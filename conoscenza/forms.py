from django import forms


class CaricaDatiForm(forms.Form):
    file = forms.FileField(label="File CSV o XLSX", error_messages={"required": "Scegliere un file da caricare."})
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
