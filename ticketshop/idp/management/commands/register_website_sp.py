from django.core.management.base import BaseCommand

from ticketshop.idp import services


class Command(BaseCommand):
    help = (
        "Register the bundled website as a service provider of the IdP (from TICKETSHOP "
        "['WEBSITE_URL'] and KEYS_DIR/sp.crt). Idempotent; a switched-off entry stays off."
    )

    def handle(self, *args, **options):
        provider, created = services.register_bundled_website()
        verb = "Registered" if created else "Kept"
        state = "" if provider.enabled else " (switched off)"
        self.stdout.write(f"{verb} the service provider {provider.entity_id}{state}")
