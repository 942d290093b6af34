"""WSGI entry point of Zona (gunicorn `zona.wsgi:application`, see scripts/serve.sh)."""

import os
from importlib import import_module

from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zona.settings")

application = get_wsgi_application()

# Django imports the URL configuration, and with it every app's views, the API and its schema's
# types, on the first request a process serves: seconds of CPU that a visitor would wait for on
# every new worker. Imported here instead, once, by gunicorn's master (serve.sh preloads the
# application), so that every worker it forks starts ready.
get_resolver().url_patterns  # noqa: B018 - the property imports the views
# And the libraries that a page imports only when it needs them, so that management commands and
# the worker of background jobs do not pay for them: scikit-learn for the homogeneous groups.
import_module("sklearn.cluster")
import_module("sklearn.preprocessing")
# Should an import have queried the database, its connection must not be shared by the forked
# workers.
connections.close_all()
