"""The plugin's django-q2 schedules, created at `migrate` (so by every set-up), never by hand."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from secutix_integration.tasks import IMPORT_TASK

DAILY_IMPORT = _("Daily catalogue import")
DAILY_IMPORT_HOUR = 5  # local time: before the box office opens, after the night's changes


def ensure_schedules(**kwargs):
    from django_q.models import Schedule

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
