"""The demo's three reseller sandbox instances, their manager codes and service users, and
the two real-time resellers' records (digitick, classictic: their "sales since" endpoint
/reseller-sandbox/<slug>/realtime/sales/, read by <slug>-sales / sales-secret). Idempotent: an existing instance keeps its data and mode; demo users get their demo password
and services back."""

from django.core.management.base import BaseCommand
from django.db import transaction

from reseller_sandbox.models import (
    CONTINGENTEMENT,
    ETAT_VENTES,
    GET_CTRL_ACCES,
    PREPARE_CTRL_ACCES,
    SandboxInstance,
    ServiceUser,
)
from reseller_sandbox.realtime_records import ensure_instance

INSTANCES = [
    ("fnac", "FNAC", "FNAC-CUBE"),
    ("ticketnet", "Ticketnet", "TNET-CUBE"),
    ("secutix-file", "SecuTix file", "STXF-CUBE"),
]
USERS = [
    ("allot", "allot-secret", [CONTINGENTEMENT]),
    ("sales", "sales-secret", [ETAT_VENTES]),
    ("access", "access-secret", [PREPARE_CTRL_ACCES, GET_CTRL_ACCES]),
]
REALTIME = [("digitick", "Digitick"), ("classictic", "ClassicTic")]


class Command(BaseCommand):
    help = (
        "Create the reseller sandbox's demo instances (fnac, ticketnet, secutix-file; "
        "digitick, classictic: real-time). Idempotent."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        for slug, name, code in INSTANCES:
            instance, created = SandboxInstance.objects.get_or_create(
                slug=slug, defaults={"name": name, "manager_code": code}
            )
            for suffix, password, services in USERS:
                user, _ = ServiceUser.objects.get_or_create(
                    instance=instance, username=f"{slug}-{suffix}"
                )
                if not user.check_password(password) or user.services != services:
                    user.set_password(password)
                    user.services = services
                    user.save()
            self.stdout.write(
                f"Reseller sandbox {slug} ({'created' if created else 'kept'}): "
                f"/reseller-sandbox/{slug}/<Service>/, manager code {instance.manager_code}, "
                f"users {slug}-allot, {slug}-sales, {slug}-access."
            )
        for slug, name in REALTIME:
            instance, created = ensure_instance(slug, name)
            self.stdout.write(
                f"Real-time reseller {slug} ({'created' if created else 'kept'}): its sales at "
                f"/reseller-sandbox/{slug}/realtime/sales/, user {slug}-sales."
            )
