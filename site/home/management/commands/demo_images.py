"""Draw the demo's teaser images onto imported event pages that have none (run after an import)."""

from django.core.management.base import BaseCommand

from home.demo_images import attach_event_teasers


class Command(BaseCommand):
    help = "Give every event page without a teaser image a drawn demo image. Idempotent."

    def handle(self, *args, **options):
        changed = attach_event_teasers()
        self.stdout.write(f"Demo images: {changed} event pages given a teaser image.")
