from django import forms


class CodiceForm(forms.Form):
    codice = forms.CharField(
        label="Codice a 6 cifre dell'app di autenticazione",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": "Scrivere il codice che l'app mostra ora."},
    )
