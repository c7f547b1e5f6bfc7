"""`manage.py load_demo_payments`: the demo's gift voucher and the demo visitor's credit."""

from django.core.management.base import BaseCommand

from ticketshop.payments.demo import load_demo_payment_means


class Command(BaseCommand):
    help = "Create the demo gift voucher and the demo visitor's credit (once; never reset)."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", default="CUBE", help="Organisation code.")

    def handle(self, *args, organisation="CUBE", **options):
        load_demo_payment_means(organisation)
        self.stdout.write("Payments: gift voucher CUBE-GIFT-50 (50 EUR), 20 EUR credit for Michel.")
