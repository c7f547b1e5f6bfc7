"""R1–R5, R7, R10 in the back office (/backoffice/): an interface with seed 004's fields (its
passwords never shown again), its django-q2 schedules, a contingent allotted and Executed
(dry run, then real) against the sandbox, the runs' log; the scan page for our own tickets."""

import re

import pytest
from django.utils.module_loading import import_string
from django_q.models import Schedule
from django_q.tasks import async_task

from tests.ticketshop.resellers.conftest import MANAGER_CODES
from ticketshop.contacts.models import Contact
from ticketshop.organisation.models import PointOfSales, SalesChannel
from ticketshop.resellers.models import Contingent, ResellerInterface, Run

pytestmark = pytest.mark.django_db(transaction=True)


def interface_form(shop, base_url, **extra):
    channel = SalesChannel.objects.create(organisation=shop.org, code="FNAC", name="MoSA FNAC")
    pos = PointOfSales.objects.create(channel=channel, code="FNAC", name="FNAC")
    waiting = Contact.objects.create(
        organisation=shop.org, email="fnac@thecube.example", first_name="FNAC", last_name="Wait"
    )
    root = f"{base_url}/reseller-sandbox/fnac/"
    return {
        "code": "fnac",
        "kind": "FNAC",
        "external_channel": channel.pk,
        "status": "ACTIVE",
        "name_fr": "MoSA FNAC",
        "name_en": "MoSA FNAC",
        "name_de": "",
        "name_es": "",
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
        "waiting_contact": waiting.pk,
        "point_of_sales": pos.pk,
        "price_policy": "ERROR",
        "commission_percent": "0",
        "allowed_families": "EVENT,COMPETITION,VISIT_PASS_INDIVIDUAL,UNDATED_PASS",
        "release_deadline_hours": "0",
        "failure_emails": "box-office@thecube.example",
        "mappings-TOTAL_FORMS": "6",
        "mappings-INITIAL_FORMS": "0",
        **{
            f"mappings-{i}-{field}": value
            for i, row in enumerate(
                [
                    ("EVENT", shop.concert.pk, "MOSA02"),
                    ("TARIFF", shop.full.pk, "0|44"),
                    ("TARIFF", shop.child.pk, "6"),
                    ("SEAT_CATEGORY", shop.cat1.pk, "30"),
                    ("SEAT_CATEGORY", shop.cat2.pk, "31"),
                    ("CONFIGURATION", shop.configuration.pk, "GAR"),
                ]
            )
            for field, value in zip(
                ("kind", "object_id", "external_id", "season"), (*row, shop.season.pk), strict=True
            )
        },
        **extra,
    }


def messages_of(response):
    return " ".join(re.findall(r'<li class="[^"]*">(.*?)</li>', response.content.decode(), re.S))


def test_an_interface_from_the_back_office_to_integrated_sales(admin_client, shop, sandbox):
    from django.core.management import call_command

    response = admin_client.post(
        "/backoffice/resellers/resellerinterface/add/", interface_form(shop, sandbox.url)
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    fnac = ResellerInterface.objects.get(code="fnac")
    assert fnac.mappings.count() == 6
    assert fnac.allotment_password == "allot-secret"
    # Secrets are never shown again, and an empty field keeps them.
    page = admin_client.get(f"/backoffice/resellers/resellerinterface/{fnac.pk}/change/")
    assert page.status_code == 200
    assert "allot-secret" not in page.content.decode()
    assert "Stored. Leave empty to keep it." in page.content.decode()

    # R5: its schedules, by dotted path, every 24 h and 4 h.
    schedules = {s.name: s for s in Schedule.objects.filter(name__startswith="reseller:fnac:")}
    export, integrate = schedules["reseller:fnac:export"], schedules["reseller:fnac:integrate"]
    assert (export.minutes, integrate.minutes) == (24 * 60, 4 * 60)
    assert export.repeats == integrate.repeats == -1
    assert callable(import_string(export.func)) and callable(import_string(integrate.func))

    # A contingent on the first concert: 4 seats of category 1, through the back office.
    response = admin_client.post(
        "/backoffice/resellers/contingent/add/",
        {
            "interface": fnac.pk,
            "performance": shop.concert_1.pk,
            "integrate_sales": "on",
            "export_contingent": "on",
            "allot_category": shop.cat1.pk,
            "allot_count": "4",
        },
        follow=True,
    )
    assert "4 seats allotted." in messages_of(response)
    contingent = Contingent.objects.get()
    listing = admin_client.get("/backoffice/resellers/contingent/").content.decode()
    for column in ("seats allotted", "seats exported", "to export", "to take back"):
        assert column in listing.lower()

    # Execute: dry run first (nothing changes), then for real.
    def execute(action):
        return admin_client.post(
            "/backoffice/resellers/contingent/",
            {"action": action, "_selected_action": [contingent.pk], "index": 0},
            follow=True,
        )

    dry = messages_of(execute("execute_dry"))
    assert "dry run" in dry and "exported 4" in dry
    assert Run.objects.get().dry_run
    assert contingent.seats.filter(state="TO_EXPORT").count() == 4
    real = messages_of(execute("execute"))
    assert "Succeeded" in real and "exported 4" in real
    assert contingent.seats.filter(state="EXPORTED").count() == 4

    # The reseller sells; the scheduled task (django-q2, sync in tests) integrates the sale.
    call_command(
        "reseller_sandbox", "sell", "fnac", str(shop.concert_1.pk), "--count", "2",
        "--customer-category", "44", "--names", "Ada Lovelace,Alan Turing",
    )  # fmt: skip
    # A manual run for this product (seed 004's "Intégration CHALK — Manuel") takes them...
    manual = messages_of(execute("integrate_product"))
    assert "Succeeded" in manual and "orders 2" in manual
    # ...and the scheduled task (django-q2, sync in tests) finds nothing more to create.
    async_task(integrate.func, fnac.pk)
    run = Run.objects.filter(kind=Run.Kind.INTEGRATE, product=None).get()
    assert (run.state, run.sales, run.orders_created) == (Run.State.OK, 2, 0)
    log = admin_client.get("/backoffice/resellers/run/").content.decode()
    assert "Integrate sales" in log and "Export contingents" in log
    sales = admin_client.get("/backoffice/resellers/resellersale/").content.decode()
    assert "Ada Lovelace" in sales and "Alan Turing" in sales

    # Deactivated: its schedules stop (kept, with their history), its tasks do nothing.
    fnac.status = "INACTIVE"
    fnac.save()
    repeats = Schedule.objects.filter(name__startswith="reseller:fnac:").values_list(
        "repeats", flat=True
    )
    assert set(repeats) == {0}
    async_task(integrate.func, fnac.pk)
    assert Run.objects.filter(kind=Run.Kind.INTEGRATE).count() == 2


def test_our_own_web_tickets_pass_the_same_scan_check(admin_client, shop):
    from ticketshop.sales.services import confirm_order, hold_places, new_cart, start_payment

    cart = new_cart(shop.pos)
    hold_places(cart, shop.concert_1, {shop.full.pk: 1}, shop.cat1)
    start_payment(cart.pk, None)
    [ticket] = confirm_order(cart.pk).lines.all()

    def scan(barcode):
        page = admin_client.post(
            "/backoffice/resellers/ticketscan/check/",
            {"barcode": barcode, "performance": shop.concert_1.pk},
        )
        assert page.status_code == 200
        return re.search(r'id="access-result"[^>]*>(.*?)</p>', page.content.decode(), re.S)[1]

    assert "Valid" in scan(ticket.barcode)
    assert "Already used" in scan(ticket.barcode)
    assert "Unknown" in scan("12345")
