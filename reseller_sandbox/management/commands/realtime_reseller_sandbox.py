"""`manage.py realtime_reseller_sandbox --interface digitick --buyers 4 --sales 20`: a simulated
real-time reseller (R9) selling through the ticketshop's real-time API over HTTP with N
concurrent buyers, then printing what it did. The demo's accounts are CUBE_<INTERFACE> with the
secret <interface>-demo-key (ticketshop/resellers/demo.py); give --operator/--secret otherwise.

The reseller keeps its own records of each ticket it sold (and cancelled: `--cancel REF`) in the
sandbox instance of the same slug (created if needed, with its reader <slug>-sales /
sales-secret), which the venue reads back at /reseller-sandbox/<slug>/realtime/sales/ for its
reconciliation. `--no-record` sells without keeping records (the race, the bench)."""

import os

from django.core.management.base import BaseCommand, CommandError

from reseller_sandbox.realtime import Reseller, cancel_sale, run_buyers, sale_lines
from reseller_sandbox.realtime_records import ensure_instance, record


class Command(BaseCommand):
    help = "Sell through the real-time reseller API with N concurrent buyers (over HTTP)."

    def add_arguments(self, parser):
        parser.add_argument("--interface", required=True, help="digitick, classictic…")
        parser.add_argument("--buyers", type=int, default=4)
        parser.add_argument("--sales", type=int, default=20)
        parser.add_argument("--places", type=int, default=1, help="Places per sale.")
        parser.add_argument("--performance", type=int, help="Only this performance id.")
        parser.add_argument("--cancel", metavar="REF", help="Cancel this sale instead of selling.")
        parser.add_argument(
            "--no-record", action="store_true", help="Keep no records on the reseller's side."
        )
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
        instance = None if options["no_record"] else ensure_instance(interface)[0]
        if options["cancel"]:
            return self.cancel(options["url"], operator, secret, options["cancel"], instance)
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
        if instance is not None:
            kept = sum(record(instance, sale_lines(*answer)) for answer in report["answers"])
            self.stdout.write(f"{interface}: {kept} tickets kept in the reseller's records.")
        for error in report["errors"]:
            self.stdout.write(f"error: {error}")
        self.stdout.write(
            f"{operator}: {report['sold']} sales confirmed, {report['sold_out']} sold out, "
            f"{len(report['errors'])} errors, {buyers} buyers, {report['elapsed_seconds']} s."
        )
        if report["errors"]:
            raise CommandError(f"{len(report['errors'])} errors.")

    def cancel(self, url, operator, secret, reference, instance):
        try:
            status, answer = cancel_sale(Reseller(url, operator, secret), reference)
        except Exception as exc:  # noqa: BLE001 — a clear line, not a traceback
            raise CommandError(f"Cannot cancel through {url}: {exc}") from exc
        if status != 200:
            raise CommandError(f"Cancel {reference} refused: {status} {answer}")
        if instance is not None:
            lines = sale_lines(answer, kind="CANCEL")
            kept = record(instance, lines)
            self.stdout.write(f"{reference}: {kept} cancellations kept in the reseller's records.")
        self.stdout.write(f"{reference} cancelled: {answer.get('state')}.")
