from django.urls import path

from . import views

app_name = "programmazione"

urlpatterns = [
    path("piani/", views.elenco, name="elenco"),
    path("piani/nuovo/", views.nuovo_piano, name="nuovo"),
    path("piani/confronto/", views.confronto, name="confronto"),
    path("piani/<id:pk>/", views.piano, name="piano"),
    path("piani/<id:pk>/modifica/", views.piano_modifica, name="piano_modifica"),
    path("piani/<id:pk>/stato/", views.piano_stato, name="piano_stato"),
    path("piani/<id:pk>/sottoscrittori/", views.sottoscrittore, name="sottoscrittore"),
    path("piani/<id:pk>/sinottica/", views.sinottica, name="sinottica"),
    path("piani/<id:pk>/obiettivi.xlsx", views.esporta_obiettivi, name="esporta"),
    path("piani/<id:pk>/importa/", views.importa_obiettivi, name="importa"),
    path("piani/<id:pk>/obiettivi/nuovo/", views.obiettivo_nuovo, name="obiettivo_nuovo"),
    path("obiettivi/<id:obiettivo>/", views.obiettivo, name="obiettivo"),
    path("obiettivi/<id:obiettivo>/modifica/", views.obiettivo_modifica, name="obiettivo_modifica"),
    path("obiettivi/<id:obiettivo>/azioni/", views.azione_aggiungi, name="azione_aggiungi"),
    path("obiettivi/<id:obiettivo>/indicatori/", views.indicatore_aggiungi, name="indicatore_aggiungi"),
    path("obiettivi/<id:obiettivo>/risorse/", views.risorsa_aggiungi, name="risorsa_aggiungi"),
    path("obiettivi/<id:obiettivo>/corresponsabili/", views.corresponsabili, name="corresponsabili"),
    path("obiettivi/<id:obiettivo>/<str:tipo>/<id:id>/elimina/", views.dettaglio_elimina, name="dettaglio_elimina"),
    path("prologo/", views.prologo, name="prologo"),
    path("riparto/", views.riparto, name="riparto"),
    path("sovrazonali/", views.sovrazonali, name="sovrazonali"),
]
