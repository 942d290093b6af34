"""Form pieces every app uses: Bootstrap Italia classes on widgets, a form's errors on one line,
the POST of a page with several named forms, the size-checked upload field."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect

from .ingressi import Limitato
from .tabular import dimensione


def errori_in_breve(form):
    """A form's errors on one line, for a message shown after a redirect."""
    return "; ".join(
        f"{form.fields[campo].label}: {' '.join(m)}" if campo in form.fields else " ".join(m)
        for campo, m in form.errors.items()
    )


def esegui_azione(request, moduli, scrivi, *destinazione, **argomenti):
    """The POST of a page with several forms, each named by the `azione` field of its <form>.

    `moduli(dati, azione)` returns the page's forms as {"<azione>_form": form}, bound to
    `dati` only the one of `azione`; `scrivi(azione, cleaned_data)` saves through the service
    and returns the message of success. Whatever happens the answer is a redirect (`destinazione`
    and `argomenti` as for django.shortcuts.redirect), with a message: the success, or why
    nothing was saved (an unknown operation, the form's errors, the service's ValidationError
    or PermissionDenied). The service runs in its own transaction, so nothing is half-saved."""
    azione = request.POST.get("azione", "")
    form = moduli(request.POST, azione).get(f"{azione}_form")
    if form is None:
        messages.error(request, "Operazione sconosciuta.")
    elif not form.is_valid():
        messages.error(request, f"Non è stato salvato nulla: {errori_in_breve(form)}")
    else:
        try:
            messages.success(request, scrivi(azione, form.cleaned_data))
        except ValidationError as e:
            messages.error(request, "Non è stato salvato nulla: " + " ".join(e.messages))
        except PermissionDenied as e:
            messages.error(request, f"Non è stato salvato nulla: {e}")
    return redirect(*destinazione, **argomenti)


class Bootstrap(Limitato):
    """Bootstrap Italia classes on every widget (and the limits of zona.lib.ingressi on every
    field)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for campo in self.fields.values():
            widget = campo.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class FileTabellaField(forms.FileField):
    """A CSV or XLSX upload, refused by its size before anyone reads it into memory (the
    content is checked by zona.lib.tabular.leggi_tabella)."""

    def __init__(self, *, max_bytes=None, **kwargs):
        self.max_bytes = max_bytes
        kwargs.setdefault("label", "File CSV o XLSX")
        kwargs.setdefault("error_messages", {"required": "Scegliere un file da caricare."})
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        f = super().clean(data, initial)
        limite = self.max_bytes or settings.ZONA_MAX_UPLOAD_BYTES
        if f is not None and f.size > limite:
            raise forms.ValidationError(f"Il file pesa {dimensione(f.size)}: il massimo è {dimensione(limite)}.")
        return f
