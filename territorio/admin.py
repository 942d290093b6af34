from django.contrib import admin

from . import models

for model in (
    models.Regione,
    models.ATS,
    models.ASST,
    models.Distretto,
    models.Ambito,
    models.AmbitoDistretto,
    models.AppartenenzaComune,
    models.AliasComune,
    models.Ente,
    models.Capofila,
    models.Organo,
    models.Persona,
    models.Incarico,
):
    admin.site.register(model)


@admin.register(models.Comune)
class ComuneAdmin(admin.ModelAdmin):
    list_display = ["codice_istat", "nome", "sigla_provincia", "codice_catastale"]
    search_fields = ["nome", "codice_istat"]
