from django.contrib import admin

from .models import Indicatore, Misura, Termine


class TermineInline(admin.TabularInline):
    model = Termine
    extra = 0


@admin.register(Indicatore)
class IndicatoreAdmin(admin.ModelAdmin):
    list_display = ["codice", "nome", "unita", "fattore"]
    inlines = [TermineInline]


@admin.register(Misura)
class MisuraAdmin(admin.ModelAdmin):
    list_display = ["codice", "nome", "unita"]
