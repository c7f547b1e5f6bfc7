"""django-q2 tasks of the sales, and their schedule (created at `migrate`, never by hand)."""

from django.utils.translation import gettext_lazy as _

RELEASE_TASK = "ticketshop.sales.tasks.release_expired_holds"
RELEASE_SCHEDULE = _("Release expired cart holds")
RELEASE_EVERY_MINUTES = 1


def release_expired_holds():
    from ticketshop.sales.services import release_expired

    return release_expired()


def ensure_schedules(**kwargs):
    from django_q.models import Schedule

    if Schedule.objects.filter(func=RELEASE_TASK).exists():
        return
    Schedule.objects.create(
        name=str(RELEASE_SCHEDULE),
        func=RELEASE_TASK,
        schedule_type=Schedule.MINUTES,
        minutes=RELEASE_EVERY_MINUTES,
        repeats=-1,
    )
