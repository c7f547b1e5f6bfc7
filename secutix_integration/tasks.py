"""django-q2 tasks of the plugin."""

from secutix_integration.importer import run_import
from secutix_integration.models import ImportRun
from secutix_integration.sso import metadata

IMPORT_TASK = "secutix_integration.tasks.import_catalogue"
METADATA_TASK = "secutix_integration.tasks.refresh_idp_metadata"


def import_catalogue(trigger=ImportRun.Trigger.SCHEDULE, force=False, started_by=""):
    run = run_import(trigger=trigger, force=force)
    if started_by:  # who clicked "Run import now" (the admin's "By" column)
        ImportRun.objects.filter(pk=run.pk).update(started_by=started_by[:150])
        run.started_by = started_by[:150]
    return {"run": run.pk, "status": run.status}


def refresh_idp_metadata():
    """Fetch the IdP's metadata again (a rotated key is picked up); a failure keeps the last
    good copy."""
    return metadata.refresh()
