"""The interfaces' schedules (R5, seed 004's “Programmations”) as django-q2 Schedule rows:
export contingents every 24 h, integrate sales every 4 h; named after the interface, created
and updated from it (active while it is), removed with it."""

from django_q.models import Schedule

from ticketshop.resellers import conf

TASKS = {
    "export": ("ticketshop.resellers.tasks.export_contingents", "EXPORT_MINUTES"),
    "integrate": ("ticketshop.resellers.tasks.integrate_sales", "INTEGRATE_MINUTES"),
}


def schedule_name(interface, what):
    return f"reseller:{interface.code}:{what}"


def sync_schedules(interface):
    """Create or update the interface's two schedules; a deactivated interface's schedules
    stay, deactivated (repeats 0), so their history is kept. Returns the schedules."""
    from ticketshop.resellers.models import ResellerInterface

    if interface.is_realtime:  # R9: it sells through our API; nothing to export or integrate
        delete_schedules(interface)
        return []
    active = interface.status == ResellerInterface.Status.ACTIVE
    schedules = []
    for what, (func, minutes_setting) in TASKS.items():
        schedule, _created = Schedule.objects.update_or_create(
            name=schedule_name(interface, what),
            defaults={
                "func": func,
                "args": repr((interface.pk,)),
                "schedule_type": Schedule.MINUTES,
                "minutes": conf.get(minutes_setting),
                "repeats": -1 if active else 0,
            },
        )
        schedules.append(schedule)
    return schedules


def delete_schedules(interface):
    Schedule.objects.filter(name__startswith=f"reseller:{interface.code}:").delete()


def manual_integration(interface, product):
    """A manual run for one product (seed 004's “Intégration CHALK — Manuel”): queued once."""
    from django_q.tasks import async_task

    return async_task("ticketshop.resellers.tasks.integrate_sales", interface.pk, product.pk)


EXPIRE_TASK = "ticketshop.resellers.realtime.expire_baskets"
EXPIRE_SCHEDULE = "Expire real-time reseller baskets"


def ensure_realtime_schedule(**kwargs):
    """At `migrate`: every minute, held real-time baskets past their expiry are recorded
    EXPIRED (R9; their places are free for the reseller from the moment they expire)."""
    Schedule.objects.get_or_create(
        name=EXPIRE_SCHEDULE,
        defaults={
            "func": EXPIRE_TASK,
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
