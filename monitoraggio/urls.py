from django.urls import path

from . import views

app_name = "monitoraggio"

urlpatterns = [
    path("monitoraggio/", views.provincia, name="provincia"),
    path("monitoraggio/calendario/", views.calendario, name="calendario"),
    path("piani/<id:pk>/monitoraggio/", views.piano, name="piano"),
    path("piani/<id:pk>/trienni/", views.trienni, name="trienni"),
    path("obiettivi/<id:obiettivo>/monitoraggio/", views.obiettivo, name="obiettivo"),
    path("obiettivi/<id:obiettivo>/monitoraggio/stato/", views.stato, name="stato"),
    path("obiettivi/<id:obiettivo>/monitoraggio/impegni/", views.impegno, name="impegno"),
    path("obiettivi/<id:obiettivo>/monitoraggio/indicatori/<id:indicatore>/", views.misurazione, name="misurazione"),
    path("obiettivi/<id:obiettivo>/monitoraggio/azioni/<id:azione>/", views.stato_azione, name="stato_azione"),
    path("obiettivi/<id:obiettivo>/valutazione/", views.valutazione, name="valutazione"),
]
