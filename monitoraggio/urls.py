from django.urls import path

from . import views

app_name = "monitoraggio"

urlpatterns = [
    path("monitoraggio/", views.provincia, name="provincia"),
    path("monitoraggio/calendario/", views.calendario, name="calendario"),
    path("piani/<int:pk>/monitoraggio/", views.piano, name="piano"),
    path("obiettivi/<int:obiettivo>/monitoraggio/", views.obiettivo, name="obiettivo"),
    path("obiettivi/<int:obiettivo>/monitoraggio/stato/", views.stato, name="stato"),
    path("obiettivi/<int:obiettivo>/monitoraggio/impegni/", views.impegno, name="impegno"),
    path("obiettivi/<int:obiettivo>/monitoraggio/indicatori/<int:indicatore>/", views.misurazione, name="misurazione"),
    path("obiettivi/<int:obiettivo>/monitoraggio/azioni/<int:azione>/", views.stato_azione, name="stato_azione"),
    path("obiettivi/<int:obiettivo>/valutazione/", views.valutazione, name="valutazione"),
]
