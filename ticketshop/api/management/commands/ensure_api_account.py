"""Create or update an API account (idempotent). Defaults: the ticketshop's TICKETSHOP block
(ticketshop/conf.py: API_USERNAME / API_PASSWORD / POINT_OF_SALES_CODE), the account the
bundled website's plugin signs in with."""

from django.core.management.base import BaseCommand, CommandError

from ticketshop import conf
from ticketshop.api.auth import ensure_account
from ticketshop.organisation.models import PointOfSales


class Command(BaseCommand):
    help = "Create or update an API account for a point of sales (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=conf.get("API_USERNAME"))
        parser.add_argument("--secret", default=conf.get("API_PASSWORD"))
        parser.add_argument("--point-of-sales", default=conf.get("POINT_OF_SALES_CODE"))

    def handle(self, *args, username, secret, point_of_sales, **options):
        if not username or not secret:
            raise CommandError(
                "Give --username and --secret (or set TICKETSHOP API_USERNAME/API_PASSWORD)."
            )
        pos = PointOfSales.objects.filter(code=point_of_sales).first()
        if pos is None:
            raise CommandError(f"No point of sales with the code {point_of_sales!r}.")
        try:
            account, created = ensure_account(username, secret, pos)
        except ValueError as error:
            raise CommandError(str(error)) from error
        verb = "Created" if created else "Checked"
        self.stdout.write(f"{verb} API account {account.username} for {pos.code}.")
