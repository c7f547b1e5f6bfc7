"""R9: the simulated real-time reseller (`manage.py realtime_reseller_sandbox`) sells through
the real-time API over HTTP (the live server) and says what it did. One buyer at a time here:
the live server shares one in-memory SQLite connection between its threads; its concurrent
buyers run in race_realtime.py (test_race_realtime.py) on database files and PostgreSQL."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.ticketshop.resellers.realtime_setup import allot, make_realtime
from ticketshop.resellers.models import Basket
from ticketshop.sales.models import Order

pytestmark = pytest.mark.django_db(transaction=True)


def sandbox(live_server, operator, secret, *args):
    out = StringIO()
    call_command(
        "realtime_reseller_sandbox", "--interface", "digitick", "--operator", operator,
        "--secret", secret, "--url", live_server.url, *args, stdout=out,
    )  # fmt: skip
    return out.getvalue()


def test_the_sandbox_sells_its_contingent_over_http(shop, live_server):
    interface, operator, secret = make_realtime(shop.org, "digitick", tariffs=[(shop.full, "0")])
    allot(interface, shop.concert_1, seat_category=shop.cat2, count=5)
    out = sandbox(live_server, operator, secret, "--buyers", "1", "--sales", "4")
    assert "4 sales confirmed, 0 sold out, 0 errors, 1 buyers" in out
    assert out.count("sold CUBE_DIGITICK-") == 4
    baskets = Basket.objects.filter(state="CONFIRMED")
    assert baskets.count() == 4 == Order.objects.filter(status="PAID").count()
    out = sandbox(live_server, operator, secret, "--buyers", "1", "--sales", "3")
    assert "1 sales confirmed, 2 sold out, 0 errors" in out
    assert Order.objects.filter(status="PAID").count() == 5  # the contingent, never more


def test_a_wrong_secret_is_a_clear_error(shop, live_server):
    make_realtime(shop.org, "digitick", tariffs=[(shop.full, "0")])
    with pytest.raises(CommandError, match="Cannot sell through"):
        sandbox(live_server, "CUBE_DIGITICK", "wrong")
