"""Structured logs: one JSON object per line on stderr, each with the id of its request.

The request id comes from the reverse proxy's `X-Request-ID` header when it sends a sane one
(so the proxy's and Zona's lines of one request share it), otherwise it is made here; it goes
back in the response's `X-Request-ID` header, so a user reporting an error can quote it.
`RequestIdMiddleware` also writes one line per request (method, path, status, duration, user).
"""

import contextvars
import json
import logging
import re
import time
import uuid

_request_id = contextvars.ContextVar("request_id", default=None)
_ID_VALIDO = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
log_richieste = logging.getLogger("zona.richieste")

# Attributes every LogRecord has: anything else was passed with `extra=` and is kept.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


def request_id():
    return _request_id.get()


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        riga = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for chiave, valore in record.__dict__.items():
            if chiave not in _STANDARD and not chiave.startswith("_"):
                riga[chiave] = valore
        if record.exc_info:
            riga["exception"] = self.formatException(record.exc_info)
        return json.dumps(riga, ensure_ascii=False, default=str)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        dato = request.headers.get("X-Request-ID", "")
        rid = dato if _ID_VALIDO.match(dato) else uuid.uuid4().hex
        request.request_id = rid
        token = _request_id.set(rid)
        inizio = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            # Only a user already loaded: loading it here would query the database even for a
            # health check while the database is down.
            user = getattr(request, "_cached_user", None)
            log_richieste.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - inizio) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            _request_id.reset(token)
