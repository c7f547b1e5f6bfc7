"""The sandbox's counter (R8): the management commands and the back-office section, as a
person selling on the reseller's side would use them; the demo set-up is idempotent."""

import gettext
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import translation

from reseller_sandbox import operations
from reseller_sandbox.models import HeldSeat, SaleLine, SandboxInstance, ServiceUser
from tests.reseller_sandbox.conftest import cancel, sandbox_state, sell
from tests.site.test_translations import read_po

pytestmark = pytest.mark.django_db

SHOW = datetime(2026, 12, 1, 19, 30, tzinfo=UTC)


@pytest.fixture
def fnac(sandbox):
    """FNAC holding seats 1-3 (category 30) and 4 places (category 31) of performance 101."""
    instance = SandboxInstance.objects.get(slug="fnac")
    seats = [
        {"seatId": str(n), "block": "AUDI", "row": "A", "number": str(n), "categoryId": "30"}
        for n in (1, 2, 3)
    ]
    prices = [{"categoryId": "30", "customerCategoryId": "44", "amount": "20.00"}]
    operations.allot(instance, "MOSA02", "101", SHOW, seats, 0, "", prices)
    operations.allot(instance, "MOSA02", "101", SHOW, [], 4, "31", [])
    return instance


def test_setup_is_idempotent_and_keeps_data(sandbox, fnac):
    assert set(SandboxInstance.objects.values_list("slug", "manager_code")) == {
        ("fnac", "FNAC-CUBE"),
        ("ticketnet", "TNET-CUBE"),
        ("secutix-file", "STXF-CUBE"),
        ("digitick", "DIGITICK-RT"),  # real-time: its own sales records only
        ("classictic", "CLASSICTIC-RT"),
    }
    assert ServiceUser.objects.get(username="digitick-sales").services == ["RealtimeSales"]
    user = ServiceUser.objects.get(username="fnac-access")
    assert user.services == ["PrepareCtrlAcces", "GetCtrlAcces"]
    assert user.check_password("access-secret") and "access-secret" not in user.password
    fnac.mode = "down"
    fnac.save()
    user.set_password("changed")
    user.save()
    call_command("setup_reseller_sandbox", stdout=StringIO())
    assert SandboxInstance.objects.count() == 5 and ServiceUser.objects.count() == 11
    assert SandboxInstance.objects.get(slug="fnac").mode == "down"  # kept
    assert HeldSeat.objects.filter(instance=fnac).count() == 7  # kept
    assert ServiceUser.objects.get(username="fnac-access").check_password("access-secret")


def test_sell_picks_unsold_seats_at_the_allotted_or_given_price(fnac):
    sold = sell("fnac", "101", 2, names="Ada Lovelace, Alan Mathison Turing", category="30")
    lines = list(SaleLine.objects.order_by("seat_id"))
    assert [(x.sale_id, x.barcode) for x in lines] == sold
    assert [(x.seat_id, x.price, x.first_name, x.last_name) for x in lines] == [
        ("1", Decimal("20.00"), "Ada", "Lovelace"),
        ("2", Decimal("20.00"), "Alan", "Mathison Turing"),
    ]
    assert all(len(x.barcode) >= 16 and x.barcode.isdigit() for x in lines)
    sell("fnac", "101", 3, customer_category="6", category="31", price="7.5")
    assert (
        sorted(
            SaleLine.objects.filter(category_id="31").values_list("seat_id", "price", "last_name")
        )
        == [("", Decimal("7.50"), "")] * 3
    )
    assert HeldSeat.objects.filter(sold=True).count() == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("101", 4, "44", "", {"category": "30"}), "Only 3 unsold seats"),
        (("101", 2, "44", "Ada Lovelace", {}), "1 names for 2 seats"),
        (("101", 1, "6", "", {"category": "30"}), "No allotted price"),
        (("999", 1, "44", "", {}), "Only 0 unsold seats"),
        (("101", 1, "44", "", {"price": "-1"}), "must be zero or more"),
        (("101", 1, "44", "", {"at": "yesterday"}), "not a date-time"),
    ],
)
def test_a_refused_sale_says_why_and_sells_nothing(fnac, args, message):
    before = sandbox_state()
    performance, count, customer, names, options = args
    with pytest.raises(CommandError, match=message):
        sell("fnac", performance, count, customer_category=customer, names=names, **options)
    assert sandbox_state() == before


def test_cancel_adds_a_cancel_line_once(fnac):
    [(sale_id, barcode)] = sell("fnac", "101", 1, names="Ada Lovelace", category="30")
    cancel("fnac", sale_id)
    line = SaleLine.objects.get(kind="CANCEL")
    assert (line.sale_id, line.barcode, line.seat_id) == (sale_id, barcode, "1")
    assert not HeldSeat.objects.get(instance=fnac, seat_id="1").sold
    before = sandbox_state()
    with pytest.raises(CommandError, match="already cancelled"):
        cancel("fnac", sale_id)
    with pytest.raises(CommandError, match="No sale"):
        cancel("fnac", "NOPE-1")
    with pytest.raises(CommandError, match="No sale"):
        cancel("ticketnet", sale_id)  # another instance's sale
    with pytest.raises(CommandError, match="No sandbox instance 'nowhere'"):
        cancel("nowhere", sale_id)
    assert sandbox_state() == before


def test_mode_command(fnac):
    call_command("reseller_sandbox", "mode", "fnac", "slow", "--seconds", "2", stdout=StringIO())
    fnac.refresh_from_db()
    assert (fnac.mode, fnac.slow_seconds) == ("slow", 2)
    with pytest.raises(CommandError, match="between 0 and 600"):
        call_command("reseller_sandbox", "mode", "fnac", "slow", "--seconds", "-1")
    with pytest.raises(CommandError):
        call_command("reseller_sandbox", "mode", "fnac", "sideways")
    fnac.refresh_from_db()
    assert (fnac.mode, fnac.slow_seconds) == ("slow", 2)
    out = StringIO()
    call_command("reseller_sandbox", "list", "fnac", stdout=out)
    assert "101: 7 held, 0 sold (manifestation MOSA02)" in out.getvalue()


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(user)
    return client


def test_back_office_section_sells_cancels_and_switches_modes(staff, fnac):
    index = staff.get("/backoffice/")
    assert "Reseller sandbox" in index.content.decode()
    listing = staff.get("/backoffice/reseller_sandbox/sandboxinstance/")
    assert (
        f"/backoffice/reseller_sandbox/sandboxinstance/{fnac.pk}/sell/" in listing.content.decode()
    )
    url = f"/backoffice/reseller_sandbox/sandboxinstance/{fnac.pk}/sell/"
    page = staff.get(url)
    assert "101 (MOSA02): 7 unsold of 7" in page.content.decode()
    refused = staff.post(
        url,
        {"performance_code": "101", "count": 2, "customer_category": "44", "names": "Ada Lovelace"},
    )
    assert refused.status_code == 200 and "1 names for 2 seats" in refused.content.decode()
    assert not SaleLine.objects.exists()
    answer = staff.post(
        url,
        {
            "performance_code": "101",
            "count": 2,
            "customer_category": "44",
            "category": "30",
            "names": "Ada Lovelace\nAlan Turing",
        },
    )
    assert answer.status_code == 302
    assert list(SaleLine.objects.order_by("seat_id").values_list("last_name", "price")) == [
        ("Lovelace", Decimal("20.00")),
        ("Turing", Decimal("20.00")),
    ]
    ada = SaleLine.objects.get(last_name="Lovelace")
    staff.post(
        "/backoffice/reseller_sandbox/saleline/",
        {"action": "cancel_sales", "_selected_action": [ada.pk]},
    )
    assert list(SaleLine.objects.filter(kind="CANCEL").values_list("sale_id", flat=True)) == [
        ada.sale_id
    ]
    staff.post(
        "/backoffice/reseller_sandbox/sandboxinstance/",
        {"action": "set_mode_garbage", "_selected_action": [fnac.pk]},
    )
    fnac.refresh_from_db()
    assert fnac.mode == "garbage"
    user = ServiceUser.objects.get(username="fnac-allot")
    page = staff.get(f"/backoffice/reseller_sandbox/serviceuser/{user.pk}/change/")
    assert user.password not in page.content.decode()  # the hash is never shown


@pytest.mark.parametrize("language", ["fr", "de", "es"])
def test_the_sandbox_speaks_the_back_office_languages(language):
    """Its own catalogues (reseller_sandbox/locale): every message translated, the .mo compiled
    from the .po."""
    path = Path(__file__).parents[2] / f"reseller_sandbox/locale/{language}/LC_MESSAGES/django.po"
    entries = read_po(path)
    assert len(entries) > 50
    with path.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in entries:
        assert "fuzzy" not in entry["flags"] and entry["msgstr"][0], entry["msgid"]
        assert catalogue.gettext(entry["msgid"]) == entry["msgstr"][0]
    with translation.override(language):
        assert (
            str(apps.get_app_config("reseller_sandbox").verbose_name)
            == {
                "fr": "Bac à sable revendeurs",
                "de": "Wiederverkäufer-Sandbox",
                "es": "Entorno de pruebas de revendedores",
            }[language]
        )
