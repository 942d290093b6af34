from django.urls import path

from . import views

app_name = "domanda"

urlpatterns = [
    path("domanda/", views.provincia, name="provincia"),
    path("domanda/carica/", views.carica, name="carica"),
    path("domanda/modello.csv", views.modello, name="modello"),
    path("domanda/trattamento/", views.trattamento, name="trattamento"),
    path("domanda/uso-csi/", views.uso_csi, name="uso_csi"),
    path("ambiti/<codice:codice>/domanda/", views.ambito, name="ambito"),
]
