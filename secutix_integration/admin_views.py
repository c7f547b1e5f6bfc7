"""Wagtail admin: the list of catalogue imports and the "Run import now" button (C4)."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_q.tasks import async_task

from secutix_integration.import_lock import check_interrupted
from secutix_integration.models import ImportRun
from secutix_integration.tasks import IMPORT_TASK

PERMISSION = "secutix_integration.add_importrun"


def _check(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


WAIT_FOR_START = dt.timedelta(minutes=2)
REFRESH_SECONDS = 3


def import_runs(request):
    """The list refreshes itself while an import runs, and after "Run import now" until the
    run it started appears (the task may wait in the queue a moment first)."""
    _check(request)
    check_interrupted()  # a run whose process died shows "interrupted", not "running"
    runs = ImportRun.objects.all()[:50]
    running = ImportRun.objects.filter(status=ImportRun.Status.RUNNING).exists()
    since = parse_datetime(request.GET.get("since") or "")
    waiting = (
        since is not None
        and timezone.is_aware(since)
        and timezone.now() - since < WAIT_FOR_START
        and not ImportRun.objects.filter(started_at__gte=since).exists()
    )
    return TemplateResponse(
        request,
        "secutix_integration/import_runs.html",
        {
            "runs": runs,
            "running": running,
            "refresh_seconds": REFRESH_SECONDS if running or waiting else None,
            "header_icon": "download",
        },
    )


@require_POST
def run_import_now(request):
    _check(request)
    clicked = timezone.now().replace(microsecond=0)
    async_task(
        IMPORT_TASK,
        ImportRun.Trigger.ADMIN,
        bool(request.POST.get("force")),
        started_by=request.user.get_username(),
    )
    messages.success(
        request, _("The import has started. Its result appears in this list when it ends.")
    )
    return redirect(f"{reverse('secutix_import_runs')}?{urlencode({'since': clicked.isoformat()})}")
