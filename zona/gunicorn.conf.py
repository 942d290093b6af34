"""Gunicorn's settings that are code (scripts/serve.sh passes the others on its command line)."""


def post_fork(server, worker):
    """In each worker, before it accepts a request: what cannot be started before the fork."""
    from conoscenza.charts import avvia_motore

    avvia_motore()
