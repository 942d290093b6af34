from django.apps import apps
from django.contrib import admin

from .models import Comune


@admin.register(Comune)
class ComuneAdmin(admin.ModelAdmin):
    list_display = ["codice_istat", "nome", "sigla_provincia", "codice_catastale"]
    search_fields = ["nome", "codice_istat"]


for model in apps.get_app_config("territorio").get_models():
    if not admin.site.is_registered(model):
        admin.site.register(model)
