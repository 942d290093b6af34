from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from programmazione.models import AreaPolicy, Obiettivo
from territorio.models import Ambito
from zona.lib.forms import Bootstrap, FileTabellaField

from .models import Fondo, Movimento, ProgettoPnrr, Scenario, TipoMovimento, Traguardo
from .riparto import CRITERI

TIPI_MODULO = [
    (t.value, t.label) for t in TipoMovimento if t not in (TipoMovimento.RIPORTO, TipoMovimento.RIPORTO_FUORI)
]


class MovimentoForm(Bootstrap, forms.Form):
    fondo = forms.ModelChoiceField(Fondo.objects.all(), label="Fondo")
    anno = forms.IntegerField(label="Anno di competenza", min_value=1990, max_value=2100)
    tipo = forms.ChoiceField(choices=TIPI_MODULO, label="Tipo di movimento")
    numero = forms.CharField(label="Numero dell'atto", max_length=100)
    data = forms.DateField(label="Data dell'atto", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    importo = forms.DecimalField(label="Importo (€)", min_value=0, max_digits=14, decimal_places=2)
    obiettivo = forms.ModelChoiceField(Obiettivo.objects.none(), required=False, label="Obiettivo del piano")
    servizio = forms.CharField(label="Servizio o intervento", max_length=200, required=False)
    area = forms.ModelChoiceField(AreaPolicy.objects.all(), required=False, label="Area di policy")
    beneficiario = forms.CharField(max_length=200, required=False, help_text="Impegni, liquidazioni, economie.")
    periodo_dal = forms.DateField(
        label="Periodo rendicontato dal", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    periodo_al = forms.DateField(label="al", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    utenti = forms.IntegerField(label="Utenti serviti", min_value=0, max_value=10_000_000, required=False)
    corregge = forms.ModelChoiceField(
        Movimento.objects.none(),
        required=False,
        label="Corregge il movimento",
        help_text="La correzione sostituisce il movimento scelto (stesso fondo, anno e tipo); nulla si cancella.",
    )
    descrizione = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, ambito, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["obiettivo"].queryset = Obiettivo.objects.filter(piano__ambito=ambito).select_related("piano")
        self.fields["obiettivo"].label_from_instance = lambda o: f"{o.piano.triennio} · {o.codice} – {o.titolo[:80]}"
        self.fields["corregge"].queryset = (
            Movimento.objects.filter(esercizio__ambito=ambito, corretto_da__isnull=True)
            .select_related("esercizio__fondo")
            .order_by("-data", "-pk")
        )
        self.fields["corregge"].label_from_instance = lambda m: (
            f"{m.esercizio.fondo.codice} {m.esercizio.anno} · {m.get_tipo_display()} {m.numero} "
            f"del {m.data:%d/%m/%Y}: {m.importo} €"
        )


class RiportoForm(Bootstrap, forms.Form):
    fondo = forms.ModelChoiceField(Fondo.objects.all(), label="Fondo")
    anno = forms.IntegerField(label="Dall'anno", min_value=1990, max_value=2099)
    importo = forms.DecimalField(
        label="Residuo da riportare all'anno dopo (€)", min_value=0.01, max_digits=14, decimal_places=2
    )
    numero = forms.CharField(label="Numero dell'atto", max_length=100)
    data = forms.DateField(label="Data dell'atto", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ImportaForm(forms.Form):
    file = FileTabellaField(max_bytes=5 * 1024 * 1024, label="File CSV o XLSX dei movimenti")


class SceltaRapida(forms.Select):
    """A select of hundreds of options (the Ambiti of the country) written in one pass: Django's
    widget makes a dictionary and renders two templates for every option, 0,1 s of CPU for 611
    Ambiti, a third of the what-if's page (bench/README.md, fondi_national). The same markup,
    without option groups."""

    def render(self, name, value, attrs=None, renderer=None):
        scelti = {str(v) for v in self.format_value(value)}
        opzioni = []
        for v, etichetta in self.choices:
            scelto = " selected" if str(v) in scelti else ""
            opzioni.append(f'<option value="{escape(str(v))}"{scelto}>{escape(str(etichetta))}</option>')
        attributi = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attributi, mark_safe("".join(opzioni)))


class ScenarioForm(Bootstrap, forms.Form):
    base = forms.ModelChoiceField(
        Scenario.objects.all(),
        required=False,
        label="Confronta con",
        empty_label="il riparto del Prologo 2025-2027 (120.000 € per residenti, ultimo anno caricato)",
    )
    importo = forms.DecimalField(label="Importo da ripartire (€)", min_value=0, max_digits=14, decimal_places=2)
    anno = forms.IntegerField(label="Anno della popolazione (1° gennaio)", min_value=1990, max_value=2100)
    criterio_comuni = forms.ChoiceField(
        label="Criterio tra i Comuni di ogni Ambito", choices=[(k, v) for k, v in CRITERI.items() if k != "quote_fisse"]
    )
    eta_da = forms.IntegerField(label="Fascia d'età: da", min_value=0, max_value=120, required=False)
    eta_a = forms.IntegerField(label="a", min_value=0, max_value=120, required=False)
    quota_uguale = forms.IntegerField(
        label="Parte in quote uguali (%)", min_value=0, max_value=100, required=False, help_text="Per la formula."
    )
    ambito = forms.ModelChoiceField(
        Ambito.objects.all(),
        required=False,
        label="Comuni dell'Ambito",
        empty_label="tutti gli Ambiti",
        widget=SceltaRapida,
    )


class SalvaScenarioForm(Bootstrap, forms.Form):
    nome = forms.CharField(label="Nome dello scenario", max_length=200)
    note = forms.CharField(max_length=300, required=False)


class ProgettoPnrrForm(Bootstrap, forms.ModelForm):
    class Meta:
        model = ProgettoPnrr
        fields = ["linea", "titolo", "cup", "importo", "stato"]

    def clean_cup(self):
        return self.cleaned_data["cup"].strip().upper()


class TraguardoForm(Bootstrap, forms.ModelForm):
    class Meta:
        model = Traguardo
        fields = ["progetto", "tipo", "descrizione", "scadenza", "raggiunto_il"]
        widgets = {
            "scadenza": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "raggiunto_il": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, ambito, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progetto"].queryset = ProgettoPnrr.objects.filter(ambito=ambito)


class RipartoComuniForm(Bootstrap, forms.Form):
    importo = forms.DecimalField(label="Importo da ripartire (€)", min_value=0, max_digits=14, decimal_places=2)
    criterio = forms.ChoiceField(label="Criterio", choices=[(k, v) for k, v in CRITERI.items() if k != "quote_fisse"])
    anno = forms.IntegerField(label="Anno della popolazione (1° gennaio)", min_value=1990, max_value=2100)
    eta_da = forms.IntegerField(label="Fascia d'età: da", min_value=0, max_value=120, required=False)
    eta_a = forms.IntegerField(label="a", min_value=0, max_value=120, required=False)
    quota_uguale = forms.IntegerField(
        label="Parte in quote uguali (%)", min_value=0, max_value=100, required=False, help_text="Per la formula."
    )
