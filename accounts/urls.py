from django.contrib.auth import views as auth_views
from django.urls import path

from zona.lib.policies import PUBBLICO, policy

from . import views

app_name = "accounts"

urlpatterns = [
    path("accedi/", views.accedi, name="login"),
    path("accedi/codice/", views.codice, name="codice"),
    path("secondo-fattore/", views.secondo_fattore, name="secondo_fattore"),
    path("client/", views.client, name="client"),
    # Logging out is a POST (Django 5): a link cannot log anyone out.
    path("esci/", policy(write=PUBBLICO)(auth_views.LogoutView.as_view()), name="logout"),
]
