"""`manage.py load_demo_resellers`: the demo's three reseller interfaces (FNAC, Ticketnet,
SecuTix-file) against the bundled sandbox, with mappings and contingents. Idempotent."""

import os

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from ticketshop.resellers.demo import load_demo_resellers


class Command(BaseCommand):
    help = "Create the demo's reseller interfaces, mappings and contingents (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", default="CUBE")
        parser.add_argument(
            "--sandbox-url",
            default=os.environ.get("RESELLER_SANDBOX_URL", os.environ.get("SITE_URL", "http://127.0.0.1:8000")),
            help="Where the reseller sandbox answers (its /reseller-sandbox/ prefix is added).",
        )  # fmt: skip

    def handle(self, *args, organisation="CUBE", sandbox_url="", **options):
        if "setup_reseller_sandbox" in get_commands():  # the sandbox's instances, by name only
            call_command("setup_reseller_sandbox", stdout=self.stdout)
        for line in load_demo_resellers(sandbox_url, organisation):
            self.stdout.write(f"Resellers: {line}")
