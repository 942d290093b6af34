"""Form pieces every app uses: Bootstrap Italia classes on widgets, a form's errors on one line,
the size-checked upload field."""

from django import forms
from django.conf import settings

from .ingressi import Limitato
from .tabular import dimensione


def errori_in_breve(form):
    """A form's errors on one line, for a message shown after a redirect."""
    return "; ".join(
        f"{form.fields[campo].label}: {' '.join(m)}" if campo in form.fields else " ".join(m)
        for campo, m in form.errors.items()
    )


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
