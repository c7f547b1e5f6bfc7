from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One run of the catalogue import (C4): when, how long, what it did, what went wrong."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCESS = "success", _("Imported")
        WARNINGS = "warnings", _("Done with warnings")
        UNCHANGED = "unchanged", _("Catalogue unchanged")
        FAILED = "failed", _("Failed")
        INTERRUPTED = "interrupted", _("Interrupted")  # its process died (import_lock)

    class Trigger(models.TextChoices):
        COMMAND = "command", _("Command line")
        SCHEDULE = "schedule", _("Daily schedule")
        ADMIN = "admin", _("Run from the admin")

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    trigger = models.CharField(_("started by"), max_length=20, choices=Trigger)
    started_by = models.CharField(
        _("user who started it"),
        max_length=150,
        blank=True,
        help_text=_("The editor who clicked \u201cRun import now\u201d; empty when scheduled."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.RUNNING)
    setup_update = models.DateTimeField(_("catalogue version"), null=True, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unpublished = models.PositiveIntegerField(_("unpublished"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    error_log = models.TextField(_("errors"), blank=True)
    # Products left out of a run ("done with warnings"): [{"id", "code", "reason"}].
    skipped = models.JSONField(_("skipped products"), default=list, blank=True)

    class Meta:
        verbose_name = _("catalogue import")
        verbose_name_plural = _("catalogue imports")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None


class ImportLock(models.Model):
    """One row: which run holds the import lock now (one import at a time, C4). The lock itself
    is an advisory lock (PostgreSQL) or a file lock (SQLite) that dies with its holder; on other
    databases this row is the lock, a lease lapsing at `expires_at` (import_lock.py)."""

    name = models.CharField(max_length=40, unique=True)
    holder = models.PositiveBigIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
