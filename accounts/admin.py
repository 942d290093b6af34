from django.contrib import admin

from .models import Profilo


@admin.register(Profilo)
class ProfiloAdmin(admin.ModelAdmin):
    list_display = ["user", "ruolo", "ambito", "comune"]
    # The codice fiscale (for SPID/CIE) is personal data: editable, never listed or searched by.
