"""One catalogue import at a time (C4), with a lock that dies with its holder.

The holder's claim is something the operating system or the database server ends when the
holder's process dies, however it dies (SIGKILL, a lost host):

- PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) taken on a connection of the
  import's own, held for the run. A killed process's connections close, the server drops their
  advisory locks at once: the next import starts. Works across processes, clusters and hosts
  sharing the database. (A connection of its own, not the import's: advisory locks are
  re-entrant within one session, and the import's connection is inside its transaction.)
- SQLite: an exclusive `flock` on a file next to the database file (`<name>.import-lock`; one
  per process for an in-memory database). SQLite is one host's file, so every import of that
  database runs on this host and sees the same file; the kernel drops the flock when the holder
  dies. flock locks belong to the open file, so two threads of one process exclude each other.
- Another database: the `ImportLock` row alone, a lease that lapses after
  SECUTIX["IMPORT_LOCK_SECONDS"] (a conditional UPDATE, atomic everywhere).

On PostgreSQL and SQLite the `ImportLock` row still says which run holds the lock (for the
admin); when an import gets the lock while the row names another run, that run's holder died:
the runs still "running" are marked "interrupted".
"""

import datetime as dt
import fcntl
import hashlib
import os
import tempfile
import threading

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from secutix_integration import conf
from secutix_integration.models import ImportLock, ImportRun

LOCK_NAME = "catalogue-import"
ADVISORY_KEY = 0x5EC7_1C00  # pg_try_advisory_lock(bigint): "secutix catalogue import"

_held = {}  # holder (ImportRun pk): its handle, while it holds the lock
_guard = threading.Lock()


class _AdvisoryLock:
    """A PostgreSQL session advisory lock on a connection of its own."""

    def __init__(self):
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def try_lock(self):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
            return bool(cursor.fetchone()[0])

    def release(self):
        try:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])
        finally:
            self.connection.close()  # closing alone would drop it too


class _FileLock:
    """An exclusive flock on a file beside the SQLite database."""

    def __init__(self):
        if connection.is_in_memory_db():
            digest = hashlib.sha1(str(connection.settings_dict["NAME"]).encode()).hexdigest()
            path = os.path.join(tempfile.gettempdir(), f"import-lock-{os.getpid()}-{digest[:12]}")
        else:
            path = f"{connection.settings_dict['NAME']}.import-lock"
        self.file = open(path, "a+")  # noqa: SIM115 — held open for the run

    def try_lock(self):
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def release(self):
        try:
            fcntl.flock(self.file, fcntl.LOCK_UN)
        finally:
            self.file.close()


def _handle():
    if connection.vendor == "postgresql":
        return _AdvisoryLock()
    if connection.vendor == "sqlite":
        return _FileLock()
    return None  # the row's lease alone


def _row():
    try:
        with transaction.atomic():
            ImportLock.objects.get_or_create(name=LOCK_NAME)
    except IntegrityError:
        pass  # created by a racing import meanwhile


def acquire_lock(holder, seconds=None):
    """Take the import lock for `holder` (an ImportRun pk): True, or False when another import
    holds it."""
    seconds = float(seconds if seconds is not None else conf.get("IMPORT_LOCK_SECONDS"))
    handle = _handle()
    if handle is None:
        return _acquire_lease(holder, seconds)
    try:
        taken = handle.try_lock()
    except Exception:
        handle.release()
        raise
    if not taken:
        handle.release()
        return False
    with _guard:
        _held[holder] = handle
    _row()
    now = timezone.now()
    ImportLock.objects.filter(name=LOCK_NAME).update(
        holder=holder, expires_at=now + dt.timedelta(seconds=seconds)
    )
    interrupt_dead_runs(before=holder)
    return True


def release_lock(holder):
    ImportLock.objects.filter(name=LOCK_NAME, holder=holder).update(holder=None, expires_at=None)
    with _guard:
        handle = _held.pop(holder, None)
    if handle is not None:
        handle.release()


def interrupt_dead_runs(before=None):
    """Marks "interrupted" the runs still "running" whose import died (called while holding the
    lock, so none of them runs; `before`: only runs older than this one, since a younger run may
    be about to ask for the lock — it records its own outcome then anyway)."""
    runs = ImportRun.objects.filter(status=ImportRun.Status.RUNNING)
    if before is not None:
        runs = runs.filter(pk__lt=before)
    return runs.update(
        status=ImportRun.Status.INTERRUPTED,
        errors=1,
        finished_at=timezone.now(),
        error_log="Interrupted: the import's process died (killed, or its host lost) before it "
        "finished. Its changes were not kept (one transaction); the next import does it all.",
    )


def check_interrupted():
    """For the admin's list: if no import holds the lock now, the runs shown "running" died."""
    if not ImportRun.objects.filter(status=ImportRun.Status.RUNNING).exists():
        return 0
    handle = _handle()
    if handle is None:  # the lease: a run whose lease lapsed died
        if ImportLock.objects.filter(name=LOCK_NAME, expires_at__gte=timezone.now()).exists():
            return 0
        return interrupt_dead_runs()
    try:
        if not handle.try_lock():
            return 0
        return interrupt_dead_runs()
    finally:
        handle.release()


def _acquire_lease(holder, seconds):
    """The row's lease (databases without an advisory or file lock): one conditional UPDATE —
    PostgreSQL re-checks its WHERE after a concurrent update commits, SQLite serialises writers —
    so exactly one of two racing imports wins; a crashed holder's lease lapses."""
    for _attempt in range(2):
        now = timezone.now()
        taken = (
            ImportLock.objects.filter(name=LOCK_NAME)
            .filter(Q(holder__isnull=True) | Q(expires_at__lt=now))
            .update(holder=holder, expires_at=now + dt.timedelta(seconds=seconds))
        )
        if taken:
            return True
        if ImportLock.objects.filter(name=LOCK_NAME).exists():
            return False
        _row()
    return False
