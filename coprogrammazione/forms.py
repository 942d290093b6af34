from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model

from zona.lib.forms import Bootstrap, FileTabellaField
from zona.lib.ingressi import CampoData, CampoImporto, CampoTesto

from .models import InvioEmail, StatoCoprogettazione, StrumentoAccordo, TipoEsito


class ImportaForm(Bootstrap, forms.Form):
    file = FileTabellaField()


class IncontroForm(Bootstrap, forms.Form):
    data = CampoData(label="Data")
    ora = forms.TimeField(label="Ora", required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    luogo = CampoTesto(label="Luogo", max_lunghezza=300, required=False)
    online = forms.BooleanField(label="A distanza", required=False)
    ordine_del_giorno = CampoTesto(label="Ordine del giorno", max_lunghezza=5000, multilinea=True, required=False)
    verbale = CampoTesto(label="Verbale", max_lunghezza=20000, multilinea=True, required=False)
    presenti = forms.ModelMultipleChoiceField(
        label="Organizzazioni presenti", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organizzazioni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenti"].queryset = organizzazioni


class EsitoForm(Bootstrap, forms.Form):
    tipo = forms.ChoiceField(label="Tipo", choices=TipoEsito.choices)
    testo = CampoTesto(label="Bisogno o proposta", max_lunghezza=5000, multilinea=True)
    incontro = forms.ModelChoiceField(label="Incontro", queryset=None, required=False)
    obiettivi = forms.ModelMultipleChoiceField(
        label="Obiettivi del piano che rispondono", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, incontri, obiettivi, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incontro"].queryset = incontri
        self.fields["obiettivi"].queryset = obiettivi


class InvioForm(Bootstrap, forms.Form):
    incontro = forms.ModelChoiceField(label="Incontro", queryset=None)
    tipo = forms.ChoiceField(label="Che cosa inviare", choices=InvioEmail.Tipo.choices)

    def __init__(self, *args, incontri, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incontro"].queryset = incontri


class ComponenteForm(Bootstrap, forms.Form):
    organizzazione = forms.ModelChoiceField(label="Organizzazione", queryset=None, required=False)
    nome = CampoTesto(label="Nome e cognome (dato personale)", max_lunghezza=200, required=False)
    email = forms.EmailField(label="Email (dato personale)", max_length=254, required=False)
    coordinatore = forms.BooleanField(label="Coordina il tavolo", required=False)
    utente = forms.ModelChoiceField(
        label="Utente di Zona del componente (ruolo «componente di un tavolo»)",
        queryset=None,
        required=False,
        help_text="Legge i documenti di questo tavolo e commenta gli obiettivi sottoposti al tavolo.",
    )

    def __init__(self, *args, organizzazioni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizzazione"].queryset = organizzazioni
        self.fields["utente"].queryset = get_user_model().objects.filter(profilo__ruolo="tavolo").order_by("username")

    def clean(self):
        dati = super().clean()
        if not dati.get("organizzazione") and not dati.get("nome"):
            raise forms.ValidationError("Indicare l'organizzazione o la persona.")
        return dati


class AvvisoForm(Bootstrap, forms.Form):
    titolo = CampoTesto(label="Titolo dell'avviso", max_lunghezza=300)
    atto = CampoTesto(label="Atto di approvazione", max_lunghezza=300, required=False)
    approvato_il = CampoData(label="Approvato il", required=False)
    pubblicato_il = CampoData(label="Pubblicato il", required=False)
    scadenza = CampoData(label="Scadenza delle manifestazioni", required=False)
    aree = CampoTesto(label="Macroaree (una per riga)", max_lunghezza=5000, multilinea=True)

    def clean_aree(self):
        righe = [r.strip() for r in self.cleaned_data["aree"].splitlines() if r.strip()]
        if not righe or len(righe) > 20:
            raise forms.ValidationError("Da una a venti macroaree, una per riga.")
        if any(len(r) > 300 for r in righe):
            raise forms.ValidationError("Una macroarea ha al più 300 caratteri.")
        return righe


class ManifestazioneForm(Bootstrap, forms.Form):
    avviso = forms.ModelChoiceField(label="Avviso", queryset=None)
    organizzazione = forms.ModelChoiceField(label="Organizzazione", queryset=None)
    ricevuta_il = CampoData(label="Ricevuta il", required=False)
    aree = forms.ModelMultipleChoiceField(
        label="Macroaree", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    accolta = forms.ChoiceField(
        label="Esito", choices=[("", "Da valutare"), ("si", "Accolta"), ("no", "Non accolta")], required=False
    )
    motivo = CampoTesto(label="Motivazione", max_lunghezza=2000, multilinea=True, required=False)

    def __init__(self, *args, avvisi, organizzazioni, aree, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["avviso"].queryset = avvisi
        self.fields["organizzazione"].queryset = organizzazioni
        self.fields["aree"].queryset = aree


class TavoloForm(Bootstrap, forms.Form):
    titolo = CampoTesto(label="Tema", max_lunghezza=300)
    area = forms.ModelChoiceField(label="Macroarea dell'avviso", queryset=None, required=False)
    coordinatore = forms.ModelChoiceField(label="Coordinato da", queryset=None, required=False)
    descrizione = CampoTesto(label="Descrizione", max_lunghezza=5000, multilinea=True, required=False)

    def __init__(self, *args, aree, organizzazioni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = aree
        self.fields["coordinatore"].queryset = organizzazioni


class SedutaForm(Bootstrap, forms.Form):
    data = CampoData(label="Data della seduta")
    luogo = CampoTesto(label="Luogo", max_lunghezza=300, required=False)
    ordine_del_giorno = CampoTesto(label="Ordine del giorno", max_lunghezza=5000, multilinea=True, required=False)
    presenti = forms.ModelMultipleChoiceField(
        label="Comuni presenti", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    numero = CampoTesto(label="Numero della delibera", max_lunghezza=30, required=False)
    oggetto = CampoTesto(label="Oggetto della delibera (vuoto: nessuna delibera)", max_lunghezza=500, required=False)
    piano = forms.ModelChoiceField(label="Piano a cui si riferisce la delibera", queryset=None, required=False)

    def __init__(self, *args, comuni, piani, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenti"].queryset = comuni
        self.fields["piano"].queryset = piani


class ConsultazioneForm(Bootstrap, forms.Form):
    obiettivo = forms.ModelChoiceField(label="Obiettivo da sottoporre al tavolo", queryset=None)
    aperta_il = CampoData(label="Aperta il")
    domanda = CampoTesto(label="Che cosa si chiede al tavolo", max_lunghezza=2000, multilinea=True, required=False)

    def __init__(self, *args, obiettivi, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["obiettivo"].queryset = obiettivi


class ChiusuraForm(Bootstrap, forms.Form):
    consultazione = forms.ModelChoiceField(label="Consultazione da chiudere", queryset=None)
    chiusa_il = CampoData(label="Chiusa il")

    def __init__(self, *args, consultazioni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultazione"].queryset = consultazioni

    def clean(self):
        dati = super().clean()
        c, giorno = dati.get("consultazione"), dati.get("chiusa_il")
        if c and giorno and giorno < c.aperta_il:
            raise forms.ValidationError(
                f"La consultazione è stata aperta il {c.aperta_il:%d/%m/%Y}: non può chiudersi prima."
            )
        return dati


class CommentoForm(Bootstrap, forms.Form):
    consultazione = forms.ModelChoiceField(label="Obiettivo", queryset=None)
    testo = CampoTesto(label="Commento", max_lunghezza=5000, multilinea=True)

    def __init__(self, *args, consultazioni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultazione"].queryset = consultazioni


# --- co-progettazione ------------------------------------------------------------------------

MASSIMO_BUDGET = Decimal("9999999999.99")  # the column holds 12 digits with the cents


class CoprogettazioneForm(Bootstrap, forms.Form):
    titolo = CampoTesto(label="Titolo della co-progettazione", max_lunghezza=300)
    azione = forms.ModelChoiceField(label="Azione dell'obiettivo (facoltativa)", queryset=None, required=False)
    avviso = CampoTesto(label="Avviso di co-progettazione (atto)", max_lunghezza=300, required=False)
    avviso_pubblicato_il = CampoData(label="Avviso pubblicato il", required=False)
    budget = CampoImporto(label="Budget (€)", massimo=MASSIMO_BUDGET)

    def __init__(self, *args, azioni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["azione"].queryset = azioni


class _DiCoprogettazione(Bootstrap, forms.Form):
    coprogettazione = forms.ModelChoiceField(label="Co-progettazione", queryset=None)

    def __init__(self, *args, coprogettazioni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coprogettazione"].queryset = coprogettazioni


class PartnerForm(_DiCoprogettazione):
    organizzazione = forms.ModelChoiceField(label="Partner selezionato", queryset=None)
    quota = CampoImporto(label="Quota del budget (€)", massimo=MASSIMO_BUDGET)
    capofila = forms.BooleanField(label="Capofila", required=False)
    selezionato_il = CampoData(label="Selezionato il", required=False)

    def __init__(self, *args, organizzazioni, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizzazione"].queryset = organizzazioni


class RipartoForm(_DiCoprogettazione):
    pass


class AccordoForm(_DiCoprogettazione):
    strumento = forms.ChoiceField(label="Strumento", choices=StrumentoAccordo.choices)
    atto = CampoTesto(label="Estremi dell'atto", max_lunghezza=300, required=False)
    firmato_il = CampoData(label="Sottoscritto il")
    dal = CampoData(label="In vigore dal", required=False)
    al = CampoData(label="In vigore fino al", required=False)

    def clean(self):
        dati = super().clean()
        if dati.get("dal") and dati.get("al") and dati["al"] < dati["dal"]:
            raise forms.ValidationError("La fine dell'accordo non può precedere il suo inizio.")
        return dati


class FinanziamentoForm(_DiCoprogettazione):
    movimento = forms.ModelChoiceField(label="Movimento del registro dei fondi che la paga", queryset=None)

    def __init__(self, *args, movimenti, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["movimento"].queryset = movimenti


class MonitoraggioCoprogettazioneForm(_DiCoprogettazione):
    data = CampoData(label="Data")
    stato = forms.ChoiceField(label="Stato", choices=StatoCoprogettazione.choices)
    speso = CampoImporto(label="Spesa sostenuta a quella data (€)", massimo=MASSIMO_BUDGET, required=False)
    testo = CampoTesto(label="Note", max_lunghezza=5000, multilinea=True, required=False)
