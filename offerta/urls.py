from django.urls import path

from . import views

app_name = "offerta"

urlpatterns = [
    path("offerta/", views.elenco, name="elenco"),
    path("offerta/mappa/", views.mappa, name="mappa"),
    path("offerta/unita/nuova/", views.nuova, name="nuova"),
    path("offerta/unita/<id:unita>/", views.scheda_unita, name="unita"),
    path("offerta/unita/<id:unita>/modifica/", views.modifica, name="modifica"),
    path("offerta/importa/", views.importa, name="importa"),
    path("offerta/modello.csv", views.modello, name="modello"),
    path("leps/", views.leps_provincia, name="leps_provincia"),
    path("ambiti/<codice:codice>/leps/", views.leps_ambito, name="leps_ambito"),
    path("servizi/", views.servizi, name="servizi"),
]
