from django.urls import path

from . import views

app_name = "conoscenza"

urlpatterns = [
    path("ambiti/<slug:codice>/quadro-conoscitivo/", views.profilo_ambito, name="profilo_ambito"),
    path("dati/carica/", views.carica, name="carica"),
    path("dati/modello.<str:formato>", views.modello, name="modello"),
    path("dati/caricamenti/", views.caricamenti, name="caricamenti"),
]
