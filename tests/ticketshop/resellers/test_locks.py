"""R5: the interface's run lock is a lease renewed while the run progresses; a holder on another
host that stopped beating loses it after LOCK_SECONDS; a dead run is marked "Interrupted" by the
next run or by the runs' back-office page (the cleanup step)."""

import datetime as dt

import pytest
from django.utils import timezone

from ticketshop.resellers import locks, services
from ticketshop.resellers.models import ResellerInterface, Run, RunError

from .test_runs import exported, sell

pytestmark = pytest.mark.django_db(transaction=True)


def held_elsewhere(interface, seconds_left):
    """A run of another host holds the interface, its lease ending in `seconds_left`."""
    run = Run.objects.create(interface=interface, kind=Run.Kind.INTEGRATE)
    ResellerInterface.objects.filter(pk=interface.pk).update(
        locked_by="0123456789abcdef@other-host:4242",
        locked_until=timezone.now() + dt.timedelta(seconds=seconds_left),
    )
    return run


def test_another_hosts_live_lease_refuses_then_its_lapse_lets_the_next_run_in(fnac, shop):
    dead = held_elsewhere(fnac, 120)
    assert services.integrate_sales(fnac).state == Run.State.REFUSED
    dead.refresh_from_db()
    assert dead.state == Run.State.RUNNING  # still its holder's, as far as we know
    ResellerInterface.objects.filter(pk=fnac.pk).update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert services.integrate_sales(fnac).state == Run.State.OK
    dead.refresh_from_db()
    assert dead.state == Run.State.INTERRUPTED and dead.ended_at
    assert dead.errors.get().kind == RunError.Kind.TECHNICAL


def test_the_runs_page_marks_a_dead_run_interrupted_without_a_new_run(
    fnac, shop, client, admin_user
):
    dead = held_elsewhere(fnac, -1)
    client.force_login(admin_user)
    page = client.get("/backoffice/resellers/run/").content.decode()
    assert "Interrupted" in page
    dead.refresh_from_db()
    assert dead.state == Run.State.INTERRUPTED
    fnac.refresh_from_db()
    assert fnac.locked_by == "" and fnac.locked_until is None


def test_a_live_lease_is_left_alone_by_the_cleanup(fnac, shop, client, admin_user):
    live = held_elsewhere(fnac, 120)
    assert locks.reap_interrupted() == 0
    live.refresh_from_db()
    assert live.state == Run.State.RUNNING


def test_a_long_run_renews_its_lease_and_a_run_that_lost_it_stops(fnac, shop, settings):
    settings.RESELLERS = {
        "SOAP_TIMEOUT": 120,
        "HEARTBEAT_SECONDS": 0,
        "LOCK_SECONDS": 300,
        "INTEGRATION_BATCH": 1,  # one sale per batch: the lease is renewed after each
    }
    exported(fnac, shop, count=3)
    sell(shop.concert_1, count=2)
    leases = []
    real = services.integrate_batch

    def watch(interface, *args, **kwargs):
        leases.append(ResellerInterface.objects.get(pk=interface.pk).locked_until)
        return real(interface, *args, **kwargs)

    services.integrate_batch = watch
    try:
        run = services.integrate_sales(fnac)
    finally:
        services.integrate_batch = real
    assert run.state == Run.State.OK and run.orders_created == 2
    assert len(leases) == 2 and leases[1] > leases[0]  # renewed between the two sales
    sell(shop.concert_1, count=1, names="Lin Lost")

    def taken_over(interface, *args, **kwargs):  # another run took the lapsed lease meanwhile
        ResellerInterface.objects.filter(pk=interface.pk).update(locked_by="x@other-host:1")
        return real(interface, *args, **kwargs)

    services.integrate_batch = taken_over
    try:
        lost = services.integrate_sales(fnac)
    finally:
        services.integrate_batch = real
    assert lost.state == Run.State.FAILED
    assert "LockLost" in lost.errors.get().message
