from django.urls import path

from . import views

app_name = "fondi"

urlpatterns = [
    path("fondi/", views.provincia, name="provincia"),
    path("fondi/importa/", views.importa_movimenti, name="importa"),
    path("fondi/modello.csv", views.modello, name="modello"),
    path("fondi/scenari/", views.scenari, name="scenari"),
    path("ambiti/<codice:codice>/fondi/", views.ambito, name="ambito"),
    path("ambiti/<codice:codice>/fondi/registro/", views.registro, name="registro"),
    path("ambiti/<codice:codice>/fondi/movimento/", views.movimento, name="movimento"),
    path("ambiti/<codice:codice>/fondi/fondo/<codice:fondo>/", views.storia, name="storia"),
    path("ambiti/<codice:codice>/pnrr/", views.pnrr, name="pnrr"),
    path("ambiti/<codice:codice>/fondi/riparto-comuni/", views.riparto_comuni, name="riparto_comuni"),
]
