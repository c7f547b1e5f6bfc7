"""django-q2 tasks of the sales, and their schedule (created at `migrate`, never by hand)."""

from django.utils.translation import gettext_lazy as _

RELEASE_TASK = "ticketshop.sales.tasks.release_expired_holds"
RELEASE_SCHEDULE = _("Release expired cart holds")
RELEASE_EVERY_MINUTES = 1


def release_expired_holds():
    """Expired carts end (their places return to sale, what they paid is given back), then the
    emails the outbox still owes are sent. Returns the places freed."""
    from ticketshop.sales.services import release_expired
    from ticketshop.sales.tickets import send_pending

    freed = release_expired()
    send_pending()
    return freed


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
