"""The interface's run lock (R5, issue 16 fault 3): one run of an interface at a time, across
processes and hosts, and a lock that DIES WITH ITS HOLDER.

- Taken by a compare-and-set UPDATE of the interface's row (`locked_by`, `locked_until`): works
  the same on SQLite and PostgreSQL, and across hosts sharing one database.
- `locked_by` names the holder: `<token>@<host>:<pid>`. A lock is a LEASE of `LOCK_SECONDS`
  (default 300 s) that the holder RENEWS while its run progresses (`beat()`: on every reseller
  call and every save of its run, at most once per `HEARTBEAT_SECONDS`, default 30 s). So a holder
  that died (SIGKILL, host lost) loses the lock:
  * at once when it ran on THIS host (its pid is gone, or a zombie): the next run takes over;
  * after at most `LOCK_SECONDS` without a heartbeat from another host.
  A holder whose lease was taken over meanwhile learns it at its next beat (`LockLost`): its run
  stops as a technical error rather than running beside the new one.
- When a run takes the lock, any run of the interface still "running" belongs to a dead holder
  (a run only runs while its holder holds the lock): it is marked INTERRUPTED, with a technical
  error saying so. `reap_interrupted()` does the same without a new run (the runs' admin calls it).

Why not a PostgreSQL advisory lock: it would die with the connection on PostgreSQL only, and
the embedded mode runs on SQLite; the heartbeat and the pid check give one behaviour on both.
"""

import datetime as dt
import os
import secrets
import socket
import threading
import time

from django.db.models import Q
from django.utils import timezone

from ticketshop.resellers import conf
from ticketshop.resellers.models import ResellerInterface, Run, RunError

HOST = socket.gethostname()[:40]
_held = threading.local()  # {interface pk: [holder, monotonic time of the last beat]}


class LockLost(Exception):
    """The run's lease lapsed and another run took the interface over."""


def _lease(now):
    return now + dt.timedelta(seconds=conf.get("LOCK_SECONDS"))


def _mine():
    if not hasattr(_held, "locks"):
        _held.locks = {}
    return _held.locks


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child its parent has not reaped yet is a zombie: dead all the same
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def holder_is_dead(holder):
    """True when the holder ran on this host and its process is gone. Another host's holder
    (or an unreadable name) is judged by its lease only."""
    _token, _at, where = (holder or "").partition("@")
    host, _colon, pid = where.rpartition(":")
    if host != HOST or not pid.isdigit():
        return False
    return int(pid) != os.getpid() and not pid_alive(int(pid))


def acquire_lock(interface, now=None):
    """The run's holder name (its token), or None when a live run holds the interface."""
    now = now or timezone.now()
    holder = f"{secrets.token_hex(8)}@{HOST}:{os.getpid()}"
    free = Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    current = (
        ResellerInterface.objects.filter(pk=interface.pk)
        .values_list("locked_by", flat=True)
        .first()
    )
    if current and holder_is_dead(current):
        free |= Q(locked_by=current)  # compare-and-set on that very dead holder
    taken = (
        ResellerInterface.objects.filter(pk=interface.pk)
        .filter(free)
        .update(locked_until=_lease(now), locked_by=holder)
    )
    if not taken:
        return None
    _mine()[interface.pk] = [holder, time.monotonic()]
    mark_interrupted(interface.pk, now)
    return holder


# Called in the releasing thread when a run ends (client.py closes its HTTP sessions there).
on_release = []


def release_lock(interface, token):
    for hook in on_release:
        hook()
    _mine().pop(interface.pk, None)
    ResellerInterface.objects.filter(pk=interface.pk, locked_by=token).update(
        locked_until=None, locked_by=""
    )


def beat(interface_id, force=False):
    """Renew this thread's lease on the interface (if it holds it), at most once per
    HEARTBEAT_SECONDS. Raises LockLost when another run took it over."""
    held = _mine().get(interface_id)
    if held is None:
        return False
    holder, last = held
    if not force and time.monotonic() - last < conf.get("HEARTBEAT_SECONDS"):
        return False
    renewed = ResellerInterface.objects.filter(pk=interface_id, locked_by=holder).update(
        locked_until=_lease(timezone.now())
    )
    if not renewed:
        _mine().pop(interface_id, None)
        raise LockLost(f"The run's lock on interface {interface_id} was taken over.")
    held[1] = time.monotonic()
    return True


INTERRUPTED = "Interrupted: the process running it stopped (killed or lost) before it ended."


def _running(interface_id):
    return list(
        Run.objects.filter(interface_id=interface_id, state=Run.State.RUNNING).values_list(
            "pk", flat=True
        )
    )


def mark_interrupted(interface_id, now=None, dead=None):
    """Runs of the interface left RUNNING by a dead holder → INTERRUPTED. Call it only while
    no live run holds the interface (just after taking its lock, or see reap_interrupted)."""
    now = now or timezone.now()
    dead = _running(interface_id) if dead is None else dead
    if dead:
        Run.objects.filter(pk__in=dead, state=Run.State.RUNNING).update(
            state=Run.State.INTERRUPTED, ended_at=now
        )
        RunError.objects.bulk_create(
            RunError(run_id=pk, kind=RunError.Kind.TECHNICAL, message=INTERRUPTED) for pk in dead
        )
    return len(dead)


def reap_interrupted(now=None):
    """The cleanup step: every interface with a RUNNING run whose holder is gone (no lock, a
    lapsed lease, or a dead process of this host) gets its runs marked INTERRUPTED and its lock
    freed. Returns the number of runs marked."""
    now = now or timezone.now()
    marked = 0
    for interface_id in set(
        Run.objects.filter(state=Run.State.RUNNING).values_list("interface_id", flat=True)
    ):
        row = (
            ResellerInterface.objects.filter(pk=interface_id)
            .values_list("locked_by", "locked_until")
            .first()
        )
        if row is None:
            continue
        holder, until = row
        if holder and until and until >= now and not holder_is_dead(holder):
            continue  # a live run
        dead = _running(interface_id)  # read before freeing: a run started after is alive
        freed = ResellerInterface.objects.filter(pk=interface_id, locked_by=holder).update(
            locked_until=None, locked_by=""
        )
        if freed:
            marked += mark_interrupted(interface_id, now, dead)
    return marked
