from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("dati-aperti/", views.catalogo, name="catalogo"),
    path("dati-aperti/catalogo.jsonld", views.catalogo_jsonld, name="catalogo_jsonld"),
    path("dati-aperti/<codice:codice>/", views.dataset, name="dataset"),
    path("dati-aperti/<codice:codice>/<codice:distribuzione>.csv", views.csv, name="csv"),
]
