"""Wagtail admin: the list of catalogue imports and the "Run import now" button (C4)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_q.tasks import async_task

from secutix_integration.models import ImportRun
from secutix_integration.tasks import IMPORT_TASK

PERMISSION = "secutix_integration.add_importrun"


def _check(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def import_runs(request):
    _check(request)
    runs = ImportRun.objects.all()[:50]
    running = ImportRun.objects.filter(status=ImportRun.Status.RUNNING).exists()
    return TemplateResponse(
        request,
        "secutix_integration/import_runs.html",
        {"runs": runs, "running": running, "header_icon": "download"},
    )


@require_POST
def run_import_now(request):
    _check(request)
    async_task(IMPORT_TASK, ImportRun.Trigger.ADMIN, bool(request.POST.get("force")))
    messages.success(
        request, _("The import has started. Its result appears in this list when it ends.")
    )
    return redirect("secutix_import_runs")
