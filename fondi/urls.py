from django.urls import path

from . import views

app_name = "fondi"

urlpatterns = [
    path("fondi/", views.provincia, name="provincia"),
    path("fondi/importa/", views.importa_movimenti, name="importa"),
    path("fondi/modello.csv", views.modello, name="modello"),
    path("fondi/scenari/", views.scenari, name="scenari"),
    path("ambiti/<slug:codice>/fondi/", views.ambito, name="ambito"),
    path("ambiti/<slug:codice>/fondi/registro/", views.registro, name="registro"),
    path("ambiti/<slug:codice>/fondi/movimento/", views.movimento, name="movimento"),
    path("ambiti/<slug:codice>/fondi/fondo/<slug:fondo>/", views.storia, name="storia"),
    path("ambiti/<slug:codice>/pnrr/", views.pnrr, name="pnrr"),
    path("ambiti/<slug:codice>/fondi/riparto-comuni/", views.riparto_comuni, name="riparto_comuni"),
]
