from django.urls import path

from . import views

app_name = "territorio"

urlpatterns = [
    path("", views.provincia, name="provincia"),
    path("ambiti/<codice:codice>/", views.ambito_detail, name="ambito"),
    path("ambiti/<codice:codice>/ufficio-di-piano/modifica/", views.ufficio_di_piano_modifica, name="udp_modifica"),
    path("ambiti/<codice:codice>/incarichi/nuovo/", views.incarico_nuovo, name="incarico_nuovo"),
    path("comuni/<istat:codice_istat>/", views.comune_detail, name="comune"),
    path("comuni/<istat:codice_istat>/modifica/", views.comune_modifica, name="comune_modifica"),
    path("cerca/", views.cerca, name="cerca"),
    path("export/", views.export, name="export"),
    path("importa/", views.importa, name="importa"),
    path("registro-modifiche/", views.registro_modifiche, name="registro"),
]
