"""Everything the demo needs after `migrate`: keys, the ticketshop's demo venue, website content.

The ticketshop is set up through its management commands only: the website never imports it."""

import os

from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from home.demo import load_site_demo

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = os.environ.get("DEMO_ADMIN_PASSWORD", "cube-admin")


class Command(BaseCommand):
    help = "Set up the demo: keys, the demo venue, website pages and the staff sign-in. Idempotent."

    def handle(self, *args, **options):
        commands = get_commands()
        if "generate_saml_keys" in commands:
            call_command("generate_saml_keys", stdout=self.stdout)
        if "register_website_sp" in commands:  # the website in the IdP's registry of SPs
            call_command("register_website_sp", stdout=self.stdout)
        call_command("load_demo_venue", stdout=self.stdout)
        call_command("ensure_api_account", stdout=self.stdout)  # the website's SOAP/JSON account
        call_command("load_demo_payments", stdout=self.stdout)  # the ticketshop's own command
        # The bundled reseller sandbox (FNAC, Ticketnet, SecuTix-file), by its command only.
        call_command("setup_reseller_sandbox", stdout=self.stdout)
        if "load_demo_resellers" in commands:  # R1-R5: interfaces, mappings, contingents
            call_command("load_demo_resellers", stdout=self.stdout)
        load_site_demo()
        self.stdout.write("Website: home pages in fr, en, de, es.")
        User = get_user_model()
        if not User.objects.filter(username=ADMIN_USERNAME).exists():
            User.objects.create_superuser(ADMIN_USERNAME, "admin@thecube.example", ADMIN_PASSWORD)
            self.stdout.write(f"Staff sign-in created: {ADMIN_USERNAME}.")
