"""Import the ticketshop's catalogue into event pages now (C4), with progress and a summary."""

from django.core.management.base import BaseCommand, CommandError

from secutix_integration.importer import run_import
from secutix_integration.models import ImportRun

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Import the ticketshop's catalogue into the website's event pages."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Import even if the catalogue has not changed."
        )

    def progress(self, done, total):
        filled = BAR_WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total} products", ending="")
        if done == total:
            self.stdout.write("")
        self.stdout.flush()

    def handle(self, *args, force=False, **options):
        run = run_import(trigger=ImportRun.Trigger.COMMAND, force=force, progress=self.progress)
        summary = (
            f"created {run.created}, updated {run.updated}, unpublished {run.unpublished}, "
            f"unchanged {run.unchanged} (pages), errors {run.errors}"
        )
        if run.status == ImportRun.Status.FAILED:
            raise CommandError(f"Import failed: {run.error_log.splitlines()[0]}  [{summary}]")
        if run.status == ImportRun.Status.UNCHANGED:
            self.stdout.write(self.style.SUCCESS("The catalogue has not changed: nothing to do."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Import done in {run.duration}: {summary}."))
