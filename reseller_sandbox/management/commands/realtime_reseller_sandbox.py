"""`manage.py realtime_reseller_sandbox --interface digitick --buyers 4 --sales 20`: a simulated
real-time reseller (R9) selling through the ticketshop's real-time API over HTTP with N
concurrent buyers, then printing what it did. The demo's accounts are CUBE_<INTERFACE> with the
secret <interface>-demo-key (ticketshop/resellers/demo.py); give --operator/--secret otherwise."""

import os

from django.core.management.base import BaseCommand, CommandError

from reseller_sandbox.realtime import run_buyers


class Command(BaseCommand):
    help = "Sell through the real-time reseller API with N concurrent buyers (over HTTP)."

    def add_arguments(self, parser):
        parser.add_argument("--interface", required=True, help="digitick, classictic…")
        parser.add_argument("--buyers", type=int, default=4)
        parser.add_argument("--sales", type=int, default=20)
        parser.add_argument("--places", type=int, default=1, help="Places per sale.")
        parser.add_argument("--performance", type=int, help="Only this performance id.")
        parser.add_argument("--operator", help="Default: CUBE_<INTERFACE>.")
        parser.add_argument("--secret", help="Default: <interface>-demo-key.")
        parser.add_argument(
            "--url",
            default=os.environ.get("SECUTIX_API_BASE_URL", "http://127.0.0.1:8000"),
            help="The ticketshop's address.",
        )

    def handle(self, *args, interface, buyers, sales, places, performance, **options):
        if buyers < 1 or sales < 1 or places < 1:
            raise CommandError("--buyers, --sales and --places are at least 1.")
        operator = options["operator"] or f"CUBE_{interface.upper()}"
        secret = options["secret"] or f"{interface}-demo-key"
        try:
            report = run_buyers(
                options["url"], operator, secret, buyers, sales, performance, places
            )
        except Exception as exc:  # noqa: BLE001 — a clear line, not a traceback
            raise CommandError(f"Cannot sell through {options['url']}: {exc}") from exc
        for reference, basket, order, barcodes in sorted(report["sales"]):
            self.stdout.write(
                f"sold {reference}: basket {basket}, order {order}, tickets {', '.join(barcodes)}"
            )
        for error in report["errors"]:
            self.stdout.write(f"error: {error}")
        self.stdout.write(
            f"{operator}: {report['sold']} sales confirmed, {report['sold_out']} sold out, "
            f"{len(report['errors'])} errors, {buyers} buyers, {report['elapsed_seconds']} s."
        )
        if report["errors"]:
            raise CommandError(f"{len(report['errors'])} errors.")
