from django.urls import path

from zona.lib.policies import PUBBLICO, policy

from . import spid, views

app_name = "accounts"

urlpatterns = [
    path("accedi/", views.accedi, name="login"),
    path("accedi/codice/", views.codice, name="codice"),
    path("secondo-fattore/", views.secondo_fattore, name="secondo_fattore"),
    path("client/", views.client, name="client"),
    path("spid/", policy(read=PUBBLICO)(spid.AvvioSpid.as_view()), name="spid"),
    path("spid/ritorno/", policy(read=PUBBLICO)(spid.RitornoSpid.as_view()), name="spid_ritorno"),
    # Logging out is a POST (Django 5): a link cannot log anyone out.
    path("esci/", views.esci, name="logout"),
]
