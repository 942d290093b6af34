from django.urls import path

from . import views

app_name = "documenti"

urlpatterns = [
    path("piani/<id:pk>/documento/", views.documento_piano, name="piano"),
    path("piani/<id:pk>/relazione-monitoraggio/", views.relazione_monitoraggio, name="monitoraggio"),
    path("piani/relazione-provinciale/", views.relazione_provinciale, name="provinciale"),
]
