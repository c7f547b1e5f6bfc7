"""Structured logs for grown-up mode (X5): one JSON line per request and per django-q2 job.

Every line carries the process id and, for a request, a request id (the load balancer's
`X-Request-ID` when it sends one, else a new one, sent back in the response's `X-Request-ID`),
method, path, status and duration; for a job, its id, name, function, group, success and
duration. Switched on by the production settings (`LOGGING`, this middleware and app config).
"""

import json
import logging
import os
import time
import uuid

from django.apps import AppConfig

request_logger = logging.getLogger("website.request")
job_logger = logging.getLogger("website.job")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, pid, the record's `fields`."""

    converter = time.gmtime

    def format(self, record):
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%SZ"),
            "level": record.levelname,
            "logger": record.name,
            "pid": os.getpid(),
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        request.request_id = request_id
        begin = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        request_logger.info(
            "request",
            extra={
                "fields": {
                    "request_id": request_id,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - begin) * 1000, 1),
                }
            },
        )
        return response


def log_job(sender, func=None, task=None, **kwargs):
    task = task or {}
    started, stopped = task.get("started"), task.get("stopped")
    duration = (stopped - started).total_seconds() * 1000 if started and stopped else None
    job_logger.info(
        "job",
        extra={
            "fields": {
                "job_id": task.get("id"),
                "name": task.get("name"),
                "func": task["func"] if isinstance(task.get("func"), str) else repr(func),
                "group": task.get("group"),
                "success": task.get("success"),
                "duration_ms": round(duration, 1) if duration is not None else None,
            }
        },
    )


class ObservabilityConfig(AppConfig):
    name = "website.observability"
    label = "observability"
    verbose_name = "Structured logs"

    def ready(self):
        from django_q.signals import post_execute_in_worker

        post_execute_in_worker.connect(log_job, dispatch_uid="website.observability.job")
