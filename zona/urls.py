from django.contrib import admin
from django.urls import include, path

from api.api import api
from zona import views as zona_views
from zona.lib import ingressi  # noqa: F401  (registers the id, codice and istat URL converters)

# The admin is for superusers only; roles work through the pages.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
admin.site.site_header = "Zona – amministrazione"

urlpatterns = [
    path("", include("territorio.urls")),
    path("", include("conoscenza.urls")),
    path("", include("domanda.urls")),
    path("", include("offerta.urls")),
    path("", include("programmazione.urls")),
    path("", include("fondi.urls")),
    path("", include("coprogrammazione.urls")),
    path("", include("monitoraggio.urls")),
    path("", include("documenti.urls")),
    path("", include("opendata.urls")),
    path("", include("lavori.urls")),
    path("account/", include("accounts.urls")),
    path("api/", api.urls),
    path("salute/", zona_views.salute, name="salute"),
    path("accessibilita/", zona_views.accessibilita, name="accessibilita"),
    path("admin/", admin.site.urls),
]

# Under /api/ a path that matches no operation (a bad id) answers in JSON like the API.
handler404 = "zona.lib.ingressi.non_trovato_api"
