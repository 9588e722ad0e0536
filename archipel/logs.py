"""Logs as one JSON object per line, for production (LOG_FORMAT=json).

A log collector reads each line as a record with its fields, so the request log
(`archipel.request`) and the task log of Procrastinate's workers (`procrastinate`, which
passes its details as `extra={"action": …, "job": {…}}`) can be searched by field.
RequestIdFilter adds the id of the request being served to every line it causes.
"""

import contextvars
import datetime
import json
import logging
import time

from django.http import HttpRequest

# The request id of the request being served in this thread or task (set by
# archipel.middleware.RequestLogMiddleware), so that any line logged meanwhile carries it.
request_id = contextvars.ContextVar("request_id", default=None)


class RequestIdFilter(logging.Filter):
    """Adds the id of the request being served to a record that has none (on the
    handler, so when the line is logged: a formatter may run later, elsewhere)."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = request_id.get()
        if current is not None and not hasattr(record, "request_id"):
            record.request_id = current
        return True


# What every LogRecord has: anything else on a record came from `extra=`.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, `extra` fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in vars(record).items():
            if name not in _RECORD_ATTRIBUTES and not name.startswith("_"):
                entry[name] = value
        if isinstance(entry.get("request"), HttpRequest):
            # Django's own lines (django.request) pass the request: its text would carry the
            # query string, where a search or an e-mail address may be.
            entry["request"] = f"{entry['request'].method} {entry['request'].path}"
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: a value json cannot write (a date, a model instance) is written as text
        # rather than losing the line.
        return json.dumps(entry, ensure_ascii=False, default=str)


class MailThrottleFilter(logging.Filter):
    """At most one e-mail to ADMINS per kind of error every `seconds`, per process.

    Admin e-mails are sent at once, through SMTP (the task queue lives in the database,
    which may be what failed): while the database is down every request fails the same
    way, and a message each would flood the mailboxes and hold each request up to
    EMAIL_TIMEOUT. A kind is the logger, the message's pattern (not the path) and the
    exception's class. Sentry, when SENTRY_DSN is set, still gets every record.
    """

    def __init__(self, seconds: float = 300):
        super().__init__()
        self.seconds = seconds
        self._last_sent: dict[tuple, float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        kind = (record.name, str(record.msg), getattr(record, "status_code", None), error)
        now = time.monotonic()
        last = self._last_sent.get(kind)
        if last is not None and now - last < self.seconds:
            return False
        self._last_sent[kind] = now
        return True
