"""django-q2 tasks of the plugin."""

from secutix_integration.importer import run_import
from secutix_integration.models import ImportRun

IMPORT_TASK = "secutix_integration.tasks.import_catalogue"


def import_catalogue(trigger=ImportRun.Trigger.SCHEDULE, force=False):
    run = run_import(trigger=trigger, force=force)
    return {"run": run.pk, "status": run.status}
