"""`manage.py load_demo_venue`: load (or refresh) the demo venue The CUBE, idempotently."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from ticketshop.organisation.demo import DemoDataError, load_demo_venue


def _date(value):
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--today expects a date such as 2026-11-25, not {value!r}.") from error


class Command(BaseCommand):
    help = (
        'Load the demo venue "The CUBE, Center for Performing Arts" from fixtures/the_cube.json. '
        "Running it again changes nothing; running it another day moves the dates."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", help="The demo description (default: fixtures/the_cube.json)."
        )
        parser.add_argument(
            "--today", help="Anchor date for seasons and performances, YYYY-MM-DD (default: today)."
        )

    def handle(self, *args, path=None, today=None, **options):
        try:
            summary = load_demo_venue(path=path, today=_date(today) if today else None)
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            "Demo venue {organisation}: {products} products, {performances} performances, "
            "{seats} seats, {contacts} contacts ({created} rows created, {updated} updated).".format(
                **summary
            )
        )
