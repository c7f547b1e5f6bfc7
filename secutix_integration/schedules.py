"""The plugin's django-q2 schedules, created at `migrate` (so by every set-up), never by hand."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from secutix_integration import conf
from secutix_integration.tasks import IMPORT_TASK, METADATA_TASK

DAILY_IMPORT = _("Daily catalogue import")
DAILY_IMPORT_HOUR = 5  # local time: before the box office opens, after the night's changes
METADATA_REFRESH = _("IdP metadata refresh")


def ensure_schedules(**kwargs):
    from django_q.models import Schedule

    if not Schedule.objects.filter(func=METADATA_TASK).exists():
        # A no-op while the metadata is the local file (no IDP_METADATA_URL).
        Schedule.objects.create(
            name=str(METADATA_REFRESH),
            func=METADATA_TASK,
            schedule_type=Schedule.MINUTES,
            minutes=int(conf.get("IDP_METADATA_REFRESH_MINUTES")),
            repeats=-1,
            next_run=timezone.now(),
        )
    if Schedule.objects.filter(func=IMPORT_TASK).exists():
        return
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    first_run = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(DAILY_IMPORT_HOUR)))
    Schedule.objects.create(
        name=str(DAILY_IMPORT),
        func=IMPORT_TASK,
        schedule_type=Schedule.DAILY,
        repeats=-1,
        next_run=first_run,
    )
