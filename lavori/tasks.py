"""The one django-tasks task: run a Lavoro. Every job goes through it, so the worker needs
no list of job kinds; what a job does is its registered function (services.eseguibile)."""

from django_tasks import task

from .services import esegui_lavoro


@task()
def esegui(lavoro_id: int):
    esegui_lavoro(lavoro_id)
