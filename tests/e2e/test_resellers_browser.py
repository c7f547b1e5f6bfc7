"""R1–R7 in a real browser, as a box office would: create a FNAC interface and its mappings in
the back office, allot seats to a contingent, Execute (dry run, then real) against the reseller
sandbox over SOAP, sell on the sandbox's counter, integrate the sales, and read the runs' log
and the waiting-account orders with the beneficiaries' names."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.ticketshop.resellers.conftest import (  # noqa: F401 — the shared fixtures
    MANAGER_CODES,
    reseller_settings,
    sandbox,
    shop,
)
from ticketshop.contacts.models import Contact
from ticketshop.organisation.models import PointOfSales, SalesChannel
from ticketshop.resellers.models import ContingentSeat, ResellerInterface, ResellerSale, Run

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def run_action(page, action):
    page.check("input.action-select")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")
    page.wait_for_selector("ul.messagelist")
    return page.inner_text("ul.messagelist")


def test_box_office_sets_up_fnac_and_integrates_its_sales(browser, screenshot, shop, sandbox):  # noqa: F811
    get_user_model().objects.create_superuser("boxoffice", "bo@thecube.example", "Box-office-42")
    channel = SalesChannel.objects.create(organisation=shop.org, code="FNAC", name="MoSA FNAC")
    pos = PointOfSales.objects.create(channel=channel, code="FNAC", name="FNAC")
    waiting = Contact.objects.create(
        organisation=shop.org, email="fnac@thecube.example", first_name="FNAC", last_name="Wait"
    )
    base = sandbox.url
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{base}/backoffice/login/")
    page.fill("#id_username", "boxoffice")
    page.fill("#id_password", "Box-office-42")
    page.click("input[type=submit]")

    # The interface, seed 004's screen.
    page.goto(f"{base}/backoffice/resellers/resellerinterface/add/")
    root = f"{base}/reseller-sandbox/fnac/"
    for field, value in {
        "code": "fnac",
        "name_fr": "MoSA FNAC",
        "name_en": "MoSA FNAC",
        "manager_code": MANAGER_CODES["fnac"],
        "sales_url": root + "EtatVentes/",
        "sales_user": "fnac-sales",
        "sales_password": "sales-secret",
        "allotment_url": root + "Contingentement/",
        "allotment_user": "fnac-allot",
        "allotment_password": "allot-secret",
        "prepare_access_url": root + "PrepareCtrlAcces/",
        "get_access_url": root + "GetCtrlAcces/",
        "access_user": "fnac-access",
        "access_password": "access-secret",
        "failure_emails": "box-office@thecube.example",
    }.items():
        page.fill(f"#id_{field}", value)
    page.select_option("#id_external_channel", str(channel.pk))
    page.select_option("#id_point_of_sales", str(pos.pk))
    page.select_option("#id_waiting_contact", str(waiting.pk))
    mappings = [
        ("EVENT", shop.concert.pk, "MOSA02"),
        ("TARIFF", shop.full.pk, "0|44"),
        ("TARIFF", shop.child.pk, "6"),
        ("SEAT_CATEGORY", shop.cat1.pk, "30"),
        ("SEAT_CATEGORY", shop.cat2.pk, "31"),
    ]
    for i, (kind, object_id, external) in enumerate(mappings):
        if i:
            page.click(".add-row a")
        page.select_option(f"#id_mappings-{i}-kind", kind)
        page.select_option(f"#id_mappings-{i}-season", str(shop.season.pk))
        page.fill(f"#id_mappings-{i}-object_id", str(object_id))
        page.fill(f"#id_mappings-{i}-external_id", external)
    screenshot(page, "resellers-1-interface")
    page.click("input[name=_save]")
    page.wait_for_selector("ul.messagelist")
    fnac = ResellerInterface.objects.get(code="fnac")
    assert fnac.mappings.count() == 5

    # A contingent: 4 seats of category 1 on the first concert.
    page.goto(f"{base}/backoffice/resellers/contingent/add/")
    page.select_option("#id_interface", str(fnac.pk))
    page.select_option("#id_performance", str(shop.concert_1.pk))
    page.select_option("#id_allot_category", str(shop.cat1.pk))
    page.fill("#id_allot_count", "4")
    page.click("input[name=_save]")
    page.wait_for_selector("ul.messagelist")
    assert "4 seats allotted" in page.inner_text("ul.messagelist")
    dry = run_action(page, "execute_dry")
    assert "dry run" in dry and "exported 4" in dry
    screenshot(page, "resellers-2-contingent-dry-run")
    real = run_action(page, "execute")
    assert "exported 4" in real and "Succeeded" in real
    assert ContingentSeat.objects.filter(state="EXPORTED").count() == 4
    screenshot(page, "resellers-3-contingent-exported")

    # The reseller's counter sells two seats; the box office integrates the sales.
    call_command(
        "reseller_sandbox", "sell", "fnac", str(shop.concert_1.pk), "--count", "2",
        "--customer-category", "44", "--names", "Ada Lovelace,Alan Turing",
    )  # fmt: skip
    page.goto(f"{base}/backoffice/resellers/resellerinterface/")
    integrated = run_action(page, "integrate_real")
    assert "orders 2" in integrated
    page.goto(f"{base}/backoffice/resellers/run/")
    log = page.inner_text("#result_list")
    assert "Integrate sales" in log and "Export contingents" in log
    screenshot(page, "resellers-4-runs")
    page.goto(f"{base}/backoffice/resellers/resellersale/")
    sales = page.inner_text("#result_list")
    assert "Ada Lovelace" in sales and "Alan Turing" in sales
    screenshot(page, "resellers-5-sales")
    assert ResellerSale.objects.count() == 2
    assert Run.objects.filter(state="OK", dry_run=False).count() == 2
