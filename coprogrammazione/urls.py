from django.urls import path

from . import views

app_name = "coprogrammazione"

urlpatterns = [
    path("organizzazioni/", views.organizzazioni, name="organizzazioni"),
    path("organizzazioni/importa/", views.importa_organizzazioni, name="importa"),
    path("organizzazioni/<id:organizzazione>/", views.organizzazione, name="organizzazione"),
    path("piani/<id:pk>/coprogrammazione/", views.piano, name="piano"),
    path("obiettivi/<id:obiettivo>/coprogrammazione/", views.obiettivo, name="obiettivo"),
    path("obiettivi/<id:obiettivo>/coprogettazione/", views.coprogettazione, name="coprogettazione"),
    path("tavoli/<id:tavolo>/", views.tavolo, name="tavolo"),
    path("tavoli/<id:tavolo>/commenti/", views.commento, name="commento"),
    path("coprogrammazione/calendario/", views.calendario, name="calendario"),
    path("ambiti/<codice:codice>/assemblea/", views.assemblea, name="assemblea"),
]
