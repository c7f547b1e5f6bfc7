"""R5: the rules of an interface's run lease, each pinned (issue 18: `make mutate` on locks.py).

Fast: no sandbox — the lease is the interface's row, taken, renewed, freed and reaped through
locks.py's public functions (what every run calls), at chosen moments."""

import datetime as dt
import os
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from tests.ticketshop.resellers.conftest import make_interface
from ticketshop.resellers import locks
from ticketshop.resellers.models import ResellerInterface, Run, RunError

NOW = dt.datetime(2030, 6, 1, 12, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def interface(shop, settings):
    settings.RESELLERS = {"LOCK_SECONDS": 300, "HEARTBEAT_SECONDS": 30}
    interface = make_interface(shop, "http://reseller.invalid")
    tokens = []
    yield interface, tokens
    for token in tokens:  # this thread's leases end with the test
        locks.release_lock(interface, token)


def row(interface):
    return ResellerInterface.objects.values_list("locked_by", "locked_until").get(pk=interface.pk)


def held_by(interface, holder, until):
    ResellerInterface.objects.filter(pk=interface.pk).update(locked_by=holder, locked_until=until)


def a_dead_pid(zombie=False):
    """The pid of a process of this host that has ended (and, unless `zombie`, been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    if not zombie:
        child.wait()
        return child
    for _ in range(600):  # ended, not reaped yet: a zombie
        with open(f"/proc/{child.pid}/stat") as stat:
            if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                return child
        time.sleep(0.05)
    raise AssertionError("the child did not end")


def test_one_holder_at_a_time_for_a_lease_of_lock_seconds(interface):
    interface, tokens = interface
    token = locks.acquire_lock(interface, NOW)
    tokens.append(token)
    assert token and token.endswith(f"@{locks.HOST}:{os.getpid()}")
    assert row(interface) == (token, NOW + dt.timedelta(seconds=300))
    assert locks.acquire_lock(interface, NOW + 299 * SECOND) is None
    assert locks.acquire_lock(interface, NOW + 300 * SECOND) is None  # the lease's last moment
    assert row(interface)[0] == token
    after = locks.acquire_lock(interface, NOW + 301 * SECOND)  # lapsed: the next run takes it
    tokens.append(after)
    assert after and after != token and row(interface)[0] == after


def test_only_the_holder_releases_its_lock(interface):
    interface, tokens = interface
    token = locks.acquire_lock(interface, NOW)
    tokens.append(token)
    locks.release_lock(interface, "someone-else@host:1")
    assert row(interface)[0] == token
    locks.release_lock(interface, token)
    assert row(interface) == ("", None)
    assert locks.beat(interface.pk, force=True) is False  # released: nothing to renew
    again = locks.acquire_lock(interface, NOW)
    tokens.append(again)
    assert again


def test_a_dead_holder_of_this_host_loses_its_lease_at_once(interface):
    interface, tokens = interface
    for child in (a_dead_pid(), a_dead_pid(zombie=True)):
        held_by(interface, f"0123@{locks.HOST}:{child.pid}", NOW + dt.timedelta(hours=1))
        token = locks.acquire_lock(interface, NOW)
        tokens.append(token)
        child.wait()
        assert token and row(interface)[0] == token, child.pid
        locks.release_lock(interface, token)


@pytest.mark.parametrize(
    "holder",
    [
        "0123@another-host:{dead}",  # another host: judged by its lease only
        "0123@{host}:{me}",  # this very process: alive
        "0123@{host}:{alive}",  # a live process of this host
        "0123@{host}:not-a-pid",
        "garbage",
    ],
)
def test_a_holder_not_known_dead_keeps_its_live_lease(interface, holder):
    """(Only processes this test started are named: a mutant may signal them.)"""
    interface, tokens = interface
    child = a_dead_pid()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        holder = holder.format(dead=child.pid, host=locks.HOST, me=os.getpid(), alive=alive.pid)
        held_by(interface, holder, NOW + dt.timedelta(hours=1))
        assert locks.acquire_lock(interface, NOW) is None
        assert row(interface)[0] == holder
    finally:
        alive.kill()
        alive.wait()


def test_taking_the_lock_marks_the_runs_left_running_interrupted(interface):
    interface, tokens = interface
    dead = Run.objects.create(interface=interface, kind=Run.Kind.EXPORT)
    done = Run.objects.create(interface=interface, kind=Run.Kind.EXPORT, state=Run.State.OK)
    tokens.append(locks.acquire_lock(interface, NOW))
    dead.refresh_from_db()
    assert (dead.state, dead.ended_at) == (Run.State.INTERRUPTED, NOW)
    assert list(dead.errors.values_list("kind", "message")) == [
        (RunError.Kind.TECHNICAL, locks.INTERRUPTED)
    ]
    done.refresh_from_db()
    assert done.state == Run.State.OK and not done.errors.exists()


def test_a_beat_renews_the_lease_at_most_once_per_heartbeat(interface, settings):
    interface, tokens = interface
    tokens.append(locks.acquire_lock(interface))
    first = row(interface)[1]
    assert locks.beat(interface.pk) is False  # within HEARTBEAT_SECONDS: no write
    assert row(interface)[1] == first
    settings.RESELLERS = {"LOCK_SECONDS": 300, "HEARTBEAT_SECONDS": 0}
    assert locks.beat(interface.pk) is True
    renewed = row(interface)[1]
    assert renewed > first and renewed > timezone.now() + dt.timedelta(seconds=290)
    assert locks.beat(interface.pk) is True  # and again: the run still holds it
    assert row(interface)[1] >= renewed
    assert locks.beat(interface.pk + 1000, force=True) is False  # an interface not held


def test_a_run_whose_lease_was_taken_over_learns_it_at_its_next_beat(interface):
    interface, tokens = interface
    tokens.append(locks.acquire_lock(interface))
    ResellerInterface.objects.filter(pk=interface.pk).update(locked_by="x@other-host:1")
    with pytest.raises(locks.LockLost):
        locks.beat(interface.pk, force=True)
    assert locks.beat(interface.pk, force=True) is False  # no longer held by this run
    assert row(interface)[0] == "x@other-host:1"


@pytest.mark.parametrize(
    ("holder", "until", "marked"),
    [
        ("x@other-host:1", NOW + SECOND, 0),  # a live lease
        ("x@other-host:1", NOW, 0),  # its last moment
        ("x@other-host:1", NOW - SECOND, 1),  # lapsed
        ("", None, 1),  # no lock at all
        ("x@other-host:1", None, 1),  # a holder without lease
    ],
)
def test_the_cleanup_reaps_the_runs_of_a_lapsed_or_missing_lease(interface, holder, until, marked):
    interface, _tokens = interface
    run = Run.objects.create(interface=interface, kind=Run.Kind.INTEGRATE)
    held_by(interface, holder, until)
    assert locks.reap_interrupted(NOW) == marked
    run.refresh_from_db()
    assert run.state == (Run.State.INTERRUPTED if marked else Run.State.RUNNING)
    assert row(interface) == (("", None) if marked else (holder, until))


def test_the_cleanup_reaps_a_dead_holder_of_this_host_at_once(interface):
    interface, _tokens = interface
    run = Run.objects.create(interface=interface, kind=Run.Kind.INTEGRATE)
    held_by(interface, f"0123@{locks.HOST}:{a_dead_pid().pid}", NOW + dt.timedelta(hours=1))
    assert locks.reap_interrupted(NOW) == 1
    run.refresh_from_db()
    assert run.state == Run.State.INTERRUPTED and row(interface) == ("", None)


def test_the_cleanup_goes_on_past_a_live_lease_to_the_next_interface(interface, shop):
    interface, _tokens = interface
    other = make_interface(shop, "http://reseller.invalid", instance="ticketnet")
    runs = {
        i.pk: Run.objects.create(interface=i, kind=Run.Kind.INTEGRATE) for i in (interface, other)
    }
    # the cleanup visits the interfaces in the order of a set of their ids: the first one
    # visited is the live one, so that a cleanup stopping at it would miss the other
    live = next(iter({interface.pk, other.pk}))
    lapsed = other.pk if live == interface.pk else interface.pk
    ResellerInterface.objects.filter(pk=live).update(locked_by="x@h:1", locked_until=NOW + SECOND)
    ResellerInterface.objects.filter(pk=lapsed).update(locked_by="x@h:1", locked_until=NOW - SECOND)
    assert locks.reap_interrupted(NOW) == 1
    states = {pk: Run.objects.get(pk=run.pk).state for pk, run in runs.items()}
    assert states == {live: Run.State.RUNNING, lapsed: Run.State.INTERRUPTED}
