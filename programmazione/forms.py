from django import forms

from territorio.models import Ambito, Comune
from zona.lib.forms import Bootstrap
from zona.lib.ingressi import CampoAnno, CampoImporto
from zona.lib.locking import CampoVersione, VersioneForm

from .models import (
    AreaPolicy,
    Azione,
    Fondo,
    IndicatoreObiettivo,
    ModalitaAdesione,
    Obiettivo,
    ObiettivoSovrazonale,
    Piano,
    Risorsa,
    TipoSottoscrittore,
)
from .riparto import IMPORTO_MAX


class NuovoPianoForm(Bootstrap, forms.Form):
    ambito = forms.ModelChoiceField(queryset=Ambito.objects.none(), label="Ambito")
    anno_inizio = forms.IntegerField(label="Primo anno del triennio", min_value=2000, max_value=2100)
    titolo = forms.CharField(label="Titolo", max_length=300, required=False)

    def __init__(self, *args, ambiti, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ambito"].queryset = ambiti


class PianoForm(Bootstrap, VersioneForm):
    class Meta:
        model = Piano
        fields = ["titolo", "premessa"]


class PassaggioForm(Bootstrap, forms.Form):
    data = forms.DateField(label="Data", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    delibera = forms.CharField(label="Delibera (estremi)", max_length=200, required=False)
    versione = CampoVersione()


class RevisioneForm(Bootstrap, forms.Form):
    motivo = forms.CharField(label="Motivo della revisione", widget=forms.Textarea(attrs={"rows": 2}))


class ProrogaForm(Bootstrap, forms.Form):
    prorogato_al = forms.DateField(
        label="Prorogato al", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    atto_ente = forms.CharField(label="Ente che ha deciso la proroga", max_length=200, initial="Regione Lombardia")
    atto_numero = forms.CharField(label="Numero dell'atto", max_length=50, required=False)
    atto_data = forms.DateField(
        label="Data dell'atto", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    obiettivi = forms.ModelMultipleChoiceField(
        queryset=Obiettivo.objects.none(),
        required=False,
        label="Obiettivi che proseguono (nessuno scelto: tutti)",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, piano, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["obiettivi"].queryset = piano.obiettivi.all()


class ChiudiRevisioneForm(Bootstrap, forms.Form):
    delibera = forms.CharField(label="Delibera che approva la revisione", max_length=200)


class ObiettivoForm(Bootstrap, VersioneForm):
    class Meta:
        model = Obiettivo
        fields = [
            "codice",
            "titolo",
            "area_policy",
            "macroarea",
            "descrizione",
            "target",
            "risorse_economiche",
            "budget_stimato",
            "periodo_budget",
            "risorse_personale",
            "aree_trasversali",
            "integrazione_sociosanitaria",
            "continuita",
            "continua",
            "coprogettato",
            "partner",
            "bisogni",
            "processo",
            "output",
            "outcome",
            "leps",
            "obiettivi_provinciali",
        ]
        widgets = {
            "aree_trasversali": forms.CheckboxSelectMultiple,
            "leps": forms.CheckboxSelectMultiple,
            "obiettivi_provinciali": forms.CheckboxSelectMultiple,
            **{
                campo: forms.Textarea(attrs={"rows": 3})
                for campo in (
                    "descrizione",
                    "target",
                    "risorse_economiche",
                    "risorse_personale",
                    "partner",
                    "bisogni",
                    "processo",
                    "output",
                    "outcome",
                )
            },
        }

    def __init__(self, *args, piano, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codice"].required = False
        self.fields["codice"].help_text = "Vuoto: lo assegna Zona (OB-01, OB-02, …)."
        self.fields["macroarea"].queryset = piano.macroaree.all()
        self.fields["continua"].queryset = Obiettivo.objects.filter(
            piano__ambito=piano.ambito, piano__anno_inizio__lt=piano.anno_inizio
        ).select_related("piano")
        self.fields["continua"].label_from_instance = lambda o: f"{o.piano.triennio} · {o}"
        self.fields["area_policy"].queryset = AreaPolicy.objects.all()
        self.fields["obiettivi_provinciali"].queryset = self.fields["obiettivi_provinciali"].queryset.filter(
            prologo__anno_inizio=piano.anno_inizio
        )
        if not self.fields["obiettivi_provinciali"].queryset.exists():
            del self.fields["obiettivi_provinciali"]  # no Prologo for this triennio

    def clean(self):
        dati = super().clean()
        if dati.get("continua") and not dati.get("continuita"):
            self.add_error(
                "continuita", "Se l'obiettivo ne continua uno precedente, è in continuità: spuntare la casella."
            )
        if dati.get("coprogettato") and not (dati.get("partner") or "").strip():
            self.add_error("partner", "Indicare con quali attori della rete è co-progettato.")
        if dati.get("budget_stimato") is not None and not dati.get("periodo_budget"):
            self.add_error("periodo_budget", "Indicare se l'importo è all'anno, per il triennio o una tantum.")
        elif dati.get("budget_stimato") is None:
            dati["periodo_budget"] = ""
        area = dati.get("area_policy")
        if area and area in (dati.get("aree_trasversali") or []):
            self.add_error("aree_trasversali", "L'area principale non va ripetuta tra le aree trasversali.")
        return dati


class AzioneForm(Bootstrap, forms.ModelForm):
    class Meta:
        model = Azione
        fields = ["titolo", "responsabile", "partner", "inizio", "scadenza", "completata_il", "stato"]
        widgets = {
            "inizio": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "scadenza": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "completata_il": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class IndicatoreForm(Bootstrap, forms.ModelForm):
    """An indicator with one target per year of the plan (fields target_<anno>)."""

    class Meta:
        model = IndicatoreObiettivo
        fields = ["tipo", "descrizione", "unita", "baseline", "anno_baseline", "indicatore"]

    def __init__(self, *args, anni, **kwargs):
        super().__init__(*args, **kwargs)
        self.anni = anni
        self.fields["indicatore"].label = "Misurato dalla base di conoscenza (facoltativo)"
        for anno in anni:
            self.fields[f"target_{anno}"] = forms.DecimalField(
                label=f"Valore atteso {anno}",
                required=False,
                max_digits=14,
                decimal_places=4,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "any"}),
            )

    def target(self):
        return {
            a: self.cleaned_data.get(f"target_{a}")
            for a in self.anni
            if self.cleaned_data.get(f"target_{a}") is not None
        }


class RisorsaForm(Bootstrap, forms.ModelForm):
    class Meta:
        model = Risorsa
        fields = ["anno", "fondo", "importo", "note"]

    def __init__(self, *args, anni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anno"] = forms.TypedChoiceField(
            label="Anno",
            choices=[(a, a) for a in anni],
            coerce=int,
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.fields["fondo"].choices = Fondo.choices

    def clean_importo(self):
        importo = self.cleaned_data["importo"]
        if importo is not None and importo < 0:
            raise forms.ValidationError("L'importo non può essere negativo.")
        return importo


class SottoscrittoreForm(Bootstrap, forms.Form):
    tipo = forms.ChoiceField(label="Tipo", choices=TipoSottoscrittore.choices)
    comune = forms.ModelChoiceField(label="Comune (se è un Comune)", queryset=Comune.objects.none(), required=False)
    nome = forms.CharField(label="Nome dell'ente (se non è un Comune)", max_length=300, required=False)
    modalita = forms.ChoiceField(
        label="Modalità", choices=ModalitaAdesione.choices, initial=ModalitaAdesione.FIRMA, required=False
    )
    aderito_il = forms.DateField(
        label="Sottoscrive o aderisce il",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ritirato_il = forms.DateField(
        label="Recede il", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, comuni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comune"].queryset = comuni

    def clean(self):
        dati = super().clean()
        if dati.get("tipo") == TipoSottoscrittore.COMUNE:
            if not dati.get("comune"):
                self.add_error("comune", "Scegliere il Comune dall'anagrafe.")
            else:
                dati["nome"] = f"Comune di {dati['comune'].nome}"
        elif not (dati.get("nome") or "").strip():
            self.add_error("nome", "Indicare il nome dell'ente.")
        else:
            dati["comune"] = None
        return dati


class SovrazonaleForm(Bootstrap, forms.ModelForm):
    class Meta:
        model = ObiettivoSovrazonale
        fields = [
            "titolo",
            "anno_inizio",
            "anno_fine",
            "area_policy",
            "ambiti",
            "asst_coinvolta",
            "coordinamento_ats",
            "note",
        ]
        widgets = {"ambiti": forms.CheckboxSelectMultiple, "note": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        dati = super().clean()
        if dati.get("anno_inizio") and dati.get("anno_fine") and dati["anno_fine"] != dati["anno_inizio"] + 2:
            self.add_error("anno_fine", "Il triennio dura tre anni: anno di fine = anno di inizio + 2.")
        return dati


class RipartoForm(Bootstrap, forms.Form):
    # The same limits as the API and the command (zona.lib.valori): 12 digits and the cents.
    importo = CampoImporto(label="Importo da ripartire (€)", massimo=IMPORTO_MAX, initial="120000.00")
    anno = CampoAnno(label="Popolazione al 1° gennaio dell'anno", minimo=1900, massimo=2100)
    ambiti = forms.ModelMultipleChoiceField(
        queryset=Ambito.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Ambiti (nessuno = tutti)",
    )


class ImportaObiettiviForm(Bootstrap, forms.Form):
    file = forms.FileField(label="File XLSX o CSV nel tracciato della Tabella 3")


class CorresponsabileForm(Bootstrap, forms.Form):
    """An ATS or an ASST of the plan's territory (selectors.enti_sanitari_del_piano) as one
    choice, «ats:codice» or «asst:codice»."""

    ente = forms.ChoiceField(label="Ente sanitario corresponsabile")
    compiti = forms.CharField(
        label="Di che cosa risponde", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, ats, asst, **kwargs):
        super().__init__(*args, **kwargs)
        self.enti = {f"ats:{e.pk}": ("ats", e) for e in ats} | {f"asst:{e.pk}": ("asst", e) for e in asst}
        self.fields["ente"].choices = [("", "—")] + [
            (gruppo, [(k, str(e)) for k, (tipo, e) in self.enti.items() if tipo == chiave])
            for gruppo, chiave in (("ATS", "ats"), ("ASST", "asst"))
            if any(tipo == chiave for tipo, _ in self.enti.values())
        ]

    def clean_ente(self):
        tipo, ente = self.enti[self.cleaned_data["ente"]]
        return {tipo: ente}


class RevocaCorresponsabileForm(Bootstrap, forms.Form):
    corresponsabile = forms.ModelChoiceField(queryset=None, label="Corresponsabile")

    def __init__(self, *args, obiettivo, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corresponsabile"].queryset = obiettivo.corresponsabili.all()
