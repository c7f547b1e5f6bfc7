"""R11 from the command line: the reconciliation report or the settlement statement of one
reseller interface for a period, printed, and written as xlsx and/or CSV if asked.

    manage.py reseller_report reconcile --interface fnac --from 2026-09-01 --to 2027-06-30 \
        [--xlsx report.xlsx] [--csv report.csv]
    manage.py reseller_report settle --interface fnac --from 2026-11-01 --to 2026-11-30 [...]

Exit status 1 (CommandError) on bad input; reconcile exits 0 even when it finds differences
(they are the report), unless --strict is given."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ticketshop.resellers.client import ExternalError
from ticketshop.resellers.models import ResellerInterface
from ticketshop.resellers.periods import parse_period
from ticketshop.resellers.reconciliation import reconcile
from ticketshop.resellers.reports import (
    reconciliation_sheets,
    settlement_csv_rows,
    settlement_sheets,
    to_csv,
    to_xlsx,
)
from ticketshop.resellers.settlement import settle


class Command(BaseCommand):
    help = "Reconciliation report or settlement statement of a reseller interface (R11)."

    def add_arguments(self, parser):
        parser.add_argument("report", choices=["reconcile", "settle"])
        parser.add_argument("--interface", required=True, help="The interface's code, e.g. fnac.")
        parser.add_argument("--from", dest="first", required=True, help="YYYY-MM-DD (included).")
        parser.add_argument("--to", dest="last", required=True, help="YYYY-MM-DD (included).")
        parser.add_argument("--xlsx", help="Write the spreadsheet here.")
        parser.add_argument("--csv", help="Write the CSV here.")
        parser.add_argument(
            "--strict", action="store_true", help="reconcile: exit 2 when it finds differences."
        )

    def handle(self, *args, **options):
        try:
            period = parse_period(options["first"], options["last"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        interface = ResellerInterface.objects.filter(code=options["interface"]).first()
        if interface is None:
            codes = ", ".join(ResellerInterface.objects.values_list("code", flat=True)) or "-"
            raise CommandError(f"No interface “{options['interface']}” (known: {codes}).")
        for key in ("xlsx", "csv"):
            if options[key] and not Path(options[key]).parent.is_dir():
                raise CommandError(f"--{key}: no folder {Path(options[key]).parent}.")
        if options["report"] == "reconcile":
            try:
                report = reconcile(interface, period)
            except ExternalError as exc:
                raise CommandError(f"The reseller could not be read: {exc}") from exc
            sheets, csv_rows = reconciliation_sheets(report), report.finding_rows()
            self._print(report.summary_rows())
            for finding in report.findings:
                self.stdout.write(
                    f"{finding.kind:<15} {finding.performance} {finding.place} {finding.sale_id} "
                    f"here={finding.ours} reseller={finding.theirs}: {finding.detail}"
                )
            if not report.findings:
                self.stdout.write("No difference.")
        else:
            statement = settle(interface, period)
            sheets, csv_rows = settlement_sheets(statement), settlement_csv_rows(statement)
            self._print(statement.total_rows())
        if options["xlsx"]:
            Path(options["xlsx"]).write_bytes(to_xlsx(sheets))
            self.stdout.write(f"Written {options['xlsx']}")
        if options["csv"]:
            Path(options["csv"]).write_text(to_csv(csv_rows), encoding="utf-8")
            self.stdout.write(f"Written {options['csv']}")
        if options["report"] == "reconcile" and options["strict"] and report.findings:
            raise SystemExit(2)

    def _print(self, rows):
        for label, value in rows:
            self.stdout.write(f"{label:<32} {value}")
