from django.contrib import admin

from .models import Lavoro


@admin.register(Lavoro)
class LavoroAdmin(admin.ModelAdmin):
    list_display = ("titolo", "utente", "stato", "fatti", "totale", "creato_il", "concluso_il")
    list_filter = ("stato",)
    exclude = ("dati", "risultato")
    readonly_fields = ("titolo", "utente", "funzione", "parametri", "stato", "messaggio", "errori")
