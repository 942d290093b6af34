from django.urls import path

from . import views

app_name = "lavori"

urlpatterns = [
    path("lavori/", views.elenco, name="elenco"),
    path("lavori/<id:lavoro>/", views.lavoro, name="lavoro"),
    path("lavori/<id:lavoro>/risultato/", views.risultato, name="risultato"),
]
