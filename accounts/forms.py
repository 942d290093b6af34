from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class CodiceForm(forms.Form):
    codice = forms.CharField(
        label="Codice a 6 cifre dell'app di autenticazione",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        error_messages={"required": "Scrivere il codice che l'app mostra ora."},
    )


class AccessoForm(AuthenticationForm):
    """Django's login form, with the username's length checked on the server.

    `AuthenticationForm` only sets the HTML `maxlength`: a longer username reaches
    `authenticate()`, and django-axes records it in a 255-character column (a 500 on PostgreSQL).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        campo = self.fields["username"]
        campo.validators.append(
            MaxLengthValidator(campo.max_length, message=f"Il nome utente ha al massimo {campo.max_length} caratteri.")
        )
