from django.urls import path

from . import views, views_provincia

app_name = "conoscenza"

urlpatterns = [
    path("ambiti/<codice:codice>/quadro-conoscitivo/", views.profilo_ambito, name="profilo_ambito"),
    path("dati/carica/", views.carica, name="carica"),
    path("dati/modello.<str:formato>", views.modello, name="modello"),
    path("dati/caricamenti/", views.caricamenti, name="caricamenti"),
    path("quadro-conoscitivo/", views_provincia.provincia, name="provincia"),
    path("quadro-conoscitivo/gruppi/", views_provincia.gruppi_ambiti, name="gruppi"),
    path("quadro-conoscitivo/fonti/", views.fonti, name="fonti"),
    path("quadro-conoscitivo/comuni-contati/", views.comuni_contati, name="comuni_contati"),
]
