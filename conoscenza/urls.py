from django.urls import path

from . import views

app_name = "conoscenza"

urlpatterns = [
    path("ambiti/<slug:codice>/quadro-conoscitivo/", views.profilo_ambito, name="profilo_ambito"),
]
