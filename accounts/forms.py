from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from territorio.models import Ambito, Comune
from zona.lib.ingressi import Limitato

from .models import RUOLI_DEGLI_AMBITI, TipoRuolo

# Longest validity of a machine client's token: a forgotten one stops working within two years.
GIORNI_MASSIMI = 730


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


class ClientForm(Limitato, forms.Form):
    """A new machine client: its name, its scope (like a user's profile) and how long it lasts."""

    nome = forms.CharField(label="Nome del client (sistema e ente)", max_length=100)
    ruolo = forms.ChoiceField(label="Ambito di azione", choices=[(r.value, r.label) for r in RUOLI_DEGLI_AMBITI])
    ambito = forms.ModelChoiceField(
        label="Ambito (per un Ufficio di Piano)", queryset=Ambito.objects.order_by("nome"), required=False
    )
    comune = forms.ModelChoiceField(
        label="Comune (per un Comune)", queryset=Comune.objects.order_by("nome"), required=False
    )
    giorni = forms.IntegerField(
        label="Validità in giorni",
        min_value=1,
        max_value=GIORNI_MASSIMI,
        initial=365,
        help_text=f"Al massimo {GIORNI_MASSIMI} giorni: alla scadenza se ne crea uno nuovo.",
    )

    def clean(self):
        dati = super().clean()
        ruolo = dati.get("ruolo")
        if ruolo == TipoRuolo.UFFICIO_DI_PIANO and not dati.get("ambito"):
            self.add_error("ambito", "Scegliere l'Ambito dell'Ufficio di Piano.")
        if ruolo == TipoRuolo.COMUNE and not dati.get("comune"):
            self.add_error("comune", "Scegliere il Comune.")
        # The scope the role does not use is dropped, as the Profilo's constraint wants.
        if ruolo != TipoRuolo.UFFICIO_DI_PIANO:
            dati["ambito"] = None
        if ruolo != TipoRuolo.COMUNE:
            dati["comune"] = None
        return dati
