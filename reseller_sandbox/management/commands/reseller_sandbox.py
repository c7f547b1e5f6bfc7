"""The reseller's counter, from the command line:

manage.py reseller_sandbox sell <instance> <performanceCode> --count N --customer-category 44
    --names "Ada Lovelace,Alan Turing" [--category C] [--price 12.50] [--at ISO-DATETIME]
manage.py reseller_sandbox cancel <instance> <saleId> [--at ISO-DATETIME]
manage.py reseller_sandbox mode <instance> normal|down|slow|garbage [--seconds S]
manage.py reseller_sandbox list <instance> [<performanceCode>]
"""

from django.core.management.base import BaseCommand, CommandError

from reseller_sandbox import operations
from reseller_sandbox.models import HeldSeat, SandboxInstance


def instance_named(slug):
    instance = SandboxInstance.objects.filter(slug=slug).first()
    if instance is None:
        known = ", ".join(SandboxInstance.objects.values_list("slug", flat=True)) or "none"
        raise CommandError(f"No sandbox instance {slug!r} (known: {known}).")
    return instance


class Command(BaseCommand):
    help = "Sell, cancel, list or switch the failure mode on a reseller sandbox instance."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        sell = actions.add_parser("sell", help="Sell held seats, one sale line per seat.")
        sell.add_argument("instance")
        sell.add_argument("performance_code")
        sell.add_argument("--count", type=int, required=True)
        sell.add_argument("--customer-category", required=True)
        sell.add_argument(
            "--names",
            default="",
            help='Beneficiaries, comma-separated: "Ada Lovelace,Alan Turing".',
        )
        sell.add_argument("--category", help="Only seats of this reseller category (tariff type).")
        sell.add_argument("--price", help="Price paid (default: the allotted price).")
        sell.add_argument("--at", help="When (ISO date-time, UTC if naive; default: now).")
        cancel = actions.add_parser("cancel", help="Cancel a sale line.")
        cancel.add_argument("instance")
        cancel.add_argument("sale_id")
        cancel.add_argument("--at", help="When (ISO date-time, UTC if naive; default: now).")
        mode = actions.add_parser("mode", help="Switch the instance's failure mode.")
        mode.add_argument("instance")
        mode.add_argument("mode", choices=SandboxInstance.Mode.values)
        mode.add_argument("--seconds", type=float, help="How long the slow mode waits.")
        listing = actions.add_parser("list", help="What the instance holds and has sold.")
        listing.add_argument("instance")
        listing.add_argument("performance_code", nargs="?")

    def handle(self, *args, action, **options):
        instance = instance_named(options["instance"])
        try:
            getattr(self, f"do_{action}")(instance, options)
        except operations.BadRequest as exc:
            raise CommandError(str(exc)) from exc

    def do_sell(self, instance, options):
        names = [n for n in options["names"].split(",") if n.strip()]
        lines = operations.sell(
            instance,
            options["performance_code"],
            options["count"],
            options["customer_category"],
            names=names,
            category=options["category"],
            price=options["price"],
            at=options["at"],
        )
        for line in lines:
            seat = f"{line.block} {line.row}-{line.number}" if line.seat_id else "unnumbered"
            who = f"{line.first_name} {line.last_name}".strip() or "-"
            self.stdout.write(
                f"SALE {line.sale_id} {seat} cat {line.category_id} "
                f"cust {line.customer_category_id} {line.price} {who} barcode {line.barcode}"
            )

    def do_cancel(self, instance, options):
        line = operations.cancel(instance, options["sale_id"], at=options["at"])
        self.stdout.write(f"CANCEL {line.sale_id} barcode {line.barcode}")

    def do_mode(self, instance, options):
        seconds = options["seconds"]
        if seconds is not None:
            if not 0 <= seconds <= 600:
                raise CommandError("--seconds must be between 0 and 600.")
            instance.slow_seconds = seconds
        instance.mode = options["mode"]
        instance.save(update_fields=["mode", "slow_seconds"])
        extra = f" ({instance.slow_seconds:g} s)" if instance.mode == "slow" else ""
        self.stdout.write(f"{instance.slug}: mode {instance.mode}{extra}.")

    def do_list(self, instance, options):
        seats = HeldSeat.objects.filter(instance=instance)
        if options["performance_code"]:
            seats = seats.filter(performance_code=options["performance_code"])
        codes = seats.order_by().values_list("performance_code", flat=True).distinct()
        for code in sorted(set(codes)):
            mine = seats.filter(performance_code=code)
            self.stdout.write(
                f"{code}: {mine.count()} held, {mine.filter(sold=True).count()} sold "
                f"(manifestation {mine.first().manifestation_id})"
            )
        if not codes:
            self.stdout.write("Nothing held.")
