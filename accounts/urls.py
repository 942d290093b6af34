from django.contrib.auth import views as auth_views
from django.urls import path

from .policies import PUBBLICO, policy

app_name = "accounts"

urlpatterns = [
    path(
        "accedi/",
        policy(read=PUBBLICO, write=PUBBLICO)(auth_views.LoginView.as_view(template_name="accounts/login.html")),
        name="login",
    ),
    # Logging out is a POST (Django 5): a link cannot log anyone out.
    path("esci/", policy(write=PUBBLICO)(auth_views.LogoutView.as_view()), name="logout"),
]
