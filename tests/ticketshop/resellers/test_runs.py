"""R2, R5–R7, R10 through the network: the ticketshop's runs call the bundled reseller sandbox
over SOAP (zeep, WS-Security) on the live server; the reseller's counter sells and cancels with
the sandbox's own management command, as a box office's demo would."""

from decimal import Decimal

import pytest
import zeep
from django.core import mail
from django.core.management import call_command
from zeep.wsse.username import UsernameToken

from ticketshop.resellers import services
from ticketshop.resellers.contingents import allot_seats, counts, withdraw_seats
from ticketshop.resellers.models import (
    Contingent,
    ContingentSeat,
    Mapping,
    ResellerInterface,
    ResellerSale,
    Run,
    RunError,
)
from ticketshop.sales.models import Order, OrderLine, SeatReservation

pytestmark = pytest.mark.django_db(transaction=True)
NAMES = "Ada Lovelace,Alan Turing,Grace Hopper"


def sell(performance, count=2, customer_category="44", names=None, price=None, instance="fnac"):
    names = names or ",".join(NAMES.split(",")[:count])
    args = ["reseller_sandbox", "sell", instance, str(performance.pk), "--count", str(count)]
    args += ["--customer-category", customer_category, "--names", names]
    if price is not None:
        args += ["--price", str(price)]
    call_command(*args)


def cancel(sale_id, instance="fnac"):
    call_command("reseller_sandbox", "cancel", instance, sale_id)


def mode(value, instance="fnac", seconds=None):
    args = ["reseller_sandbox", "mode", instance, value]
    if seconds is not None:
        args += ["--seconds", str(seconds)]
    call_command(*args)


def held_by_reseller(interface, performance):
    """What the sandbox holds, asked over SOAP as the reseller's partner would."""
    client = zeep.Client(
        interface.allotment_url + "?wsdl",
        wsse=UsernameToken(interface.allotment_user, interface.allotment_password),
    )
    return client.service.listAllotment(interface.manager_code, str(performance.pk)) or []


def exported(fnac, shop, count=4, category=None):
    contingent = Contingent.objects.create(interface=fnac, performance=shop.concert_1)
    allot_seats(contingent, seat_category=category or shop.cat1, count=count)
    run = services.export_contingents(fnac)
    assert run.state == Run.State.OK, list(run.errors.values_list("message", flat=True))
    return contingent


def state_of_the_shop():
    return {
        "orders": sorted(
            Order.objects.filter(reseller_sale__isnull=False).values_list("status", flat=True)
        ),
        "tickets": sorted(
            OrderLine.objects.filter(reseller_sale__isnull=False).values_list(
                "barcode", "holder_name", "price", "cancelled_at"
            )
        ),
        "live": SeatReservation.objects.filter(status__in=["HELD", "SOLD"]).count(),
        "contingent": sorted(ContingentSeat.objects.values_list("seat_id", "state")),
    }


def test_export_then_take_back_with_seats_the_reseller_sold(fnac, shop, settings):
    contingent = exported(fnac, shop, count=4)
    assert counts(contingent)["exported"] == 4
    held = held_by_reseller(fnac, shop.concert_1)
    assert sorted(int(s.seatId) for s in held) == sorted(
        contingent.seats.values_list("seat_id", flat=True)
    )
    assert {s.categoryId for s in held} == {"30"}  # seat category → the reseller's tariff type
    # Exported seats and no sales integration yet: the cascade guard refuses an export.
    refused = services.export_contingents(fnac)
    assert refused.state == Run.State.FAILED
    assert refused.errors.get().kind == RunError.Kind.EXTERNAL
    assert "Cascade" in refused.errors.get().message
    assert services.integrate_sales(fnac).state == Run.State.OK
    again = services.export_contingents(fnac, dry_run=True)
    assert (again.state, again.exported) == (Run.State.OK, 0)  # nothing new to send

    sell(shop.concert_1, count=2)
    assert withdraw_seats(contingent) == (0, 4)
    assert counts(contingent)["to_take_back"] == 4
    # The last integration is older than the setting allows: refused again.
    settings.RESELLERS = {"SOAP_TIMEOUT": 120, "CASCADE_HOURS": 0}
    assert services.export_contingents(fnac).state == Run.State.FAILED
    settings.RESELLERS = {"SOAP_TIMEOUT": 120}

    # The reseller gives back the two it has not sold and refuses the two it sold.
    run = services.export_contingents(fnac)
    assert (run.state, run.taken_back, run.refused) == (Run.State.OK, 2, 2)
    assert counts(contingent)["to_take_back"] == 2
    assert SeatReservation.objects.filter(status="HELD").count() == 2  # 2 back on sale
    # Its sales are integrated: the two refused seats are sold, nothing is left to take back.
    assert services.integrate_sales(fnac).orders_created == 2
    assert counts(contingent) == {
        "allotted": 2,
        "exported": 2,
        "to_export": 0,
        "to_take_back": 0,
        "sold": 2,
    }
    assert sum(1 for s in held_by_reseller(fnac, shop.concert_1)) == 2  # the two it sold
    assert SeatReservation.objects.filter(status="SOLD").count() == 2


def test_sales_and_cancellations_become_orders_on_the_waiting_account(fnac, shop):
    exported(fnac, shop, count=4)
    sell(shop.concert_1, count=3)
    run = services.integrate_sales(fnac)
    assert (run.state, run.sales, run.orders_created) == (Run.State.OK, 3, 3), list(
        run.errors.values_list("message", flat=True)
    )
    orders = Order.objects.filter(contact=fnac.waiting_contact)
    assert {o.status for o in orders} == {Order.Status.PAID}
    assert orders.count() == 3
    tickets = OrderLine.objects.filter(order__in=orders)
    assert sorted(t.holder_name for t in tickets) == sorted(NAMES.split(","))
    assert all(t.holder_id is None for t in tickets)  # names only, no contact data
    assert all(len(t.barcode) >= 16 for t in tickets)
    assert {t.tariff_id for t in tickets} == {shop.full.pk}  # 44 is one of FULL's "0|44"
    assert {t.price for t in tickets} == {Decimal("45.50")}
    assert {t.reservation.status for t in tickets} == {"SOLD"}
    sale = ResellerSale.objects.order_by("sale_id").first()
    assert sale.line.barcode == tickets.get(pk=sale.line_id).barcode

    cancel(sale.sale_id)
    run = services.integrate_sales(fnac)
    assert (run.state, run.cancellations, run.orders_created) == (Run.State.OK, 1, 0), list(
        run.errors.values_list("message", flat=True)
    )
    sale.refresh_from_db()
    assert sale.cancelled_at is not None
    assert sale.order.status == Order.Status.REFUNDED
    assert sale.line.cancelled_at is not None
    # The seat is the reseller's again (unsold in its allotment), never on the web.
    assert SeatReservation.objects.filter(seat=sale.line.seat, status="HELD").count() == 1
    assert services.integrate_sales(fnac).orders_created == 0  # the same window again: nothing


@pytest.mark.parametrize(
    ("policy", "commission", "price", "expected"),
    [
        ("ACCEPT", "0", "50.00", Decimal("50.00")),
        ("COMMISSION", "10", "50.00", Decimal("45.00")),
        ("ERROR", "0", "45.50", Decimal("45.50")),
    ],
)
def test_price_policies(fnac, shop, policy, commission, price, expected):
    ResellerInterface.objects.filter(pk=fnac.pk).update(
        price_policy=policy, commission_percent=Decimal(commission)
    )
    fnac.refresh_from_db()
    exported(fnac, shop, count=2)
    sell(shop.concert_1, count=1, price=price)
    run = services.integrate_sales(fnac)
    assert run.state == Run.State.OK
    sale = ResellerSale.objects.get()
    assert (sale.reseller_price, sale.line.price) == (Decimal(price), expected)


def test_a_price_that_differs_is_an_error_under_the_error_policy(fnac, shop):
    exported(fnac, shop, count=2)
    sell(shop.concert_1, count=1, price="40.00")
    before = state_of_the_shop()
    run = services.integrate_sales(fnac)
    assert run.state == Run.State.FAILED
    assert "differs" in run.errors.get().message
    assert state_of_the_shop() == before
    assert len(mail.outbox) == 1


def test_a_missing_mapping_changes_nothing_and_names_the_row(fnac, shop):
    exported(fnac, shop, count=3)
    sell(shop.concert_1, count=1, customer_category="44")
    # A customer category FNAC just created, sold at its own price.
    sell(shop.concert_1, count=1, customer_category="99", price="30.00")
    before = state_of_the_shop()
    run = services.integrate_sales(fnac)
    assert run.state == Run.State.FAILED
    [error] = run.errors.all()
    assert error.kind == RunError.Kind.MAPPING
    assert "99" in error.message and "S2026" in error.message
    assert state_of_the_shop() == before  # not even the sale mapped to 44
    assert len(mail.outbox) == 1
    assert "box-office@thecube.example" in mail.outbox[0].to
    assert "99" in mail.outbox[0].body
    # Fixed mapping: the next run takes both (its window starts at the last success).
    Mapping.objects.filter(interface=fnac, object_id=shop.child.pk).update(external_id="6|99")
    assert services.integrate_sales(fnac).orders_created == 2


def test_export_mapping_errors_and_dry_run_change_nothing(fnac, shop):
    contingent = Contingent.objects.create(interface=fnac, performance=shop.concert_1)
    allot_seats(contingent, seat_category=shop.cat2, count=2)
    Mapping.objects.filter(interface=fnac, kind=Mapping.Kind.SEAT_CATEGORY).delete()
    dry = services.export_contingents(fnac, dry_run=True)
    assert dry.state == Run.State.FAILED and dry.dry_run
    assert "Category 2" in dry.errors.get().message
    run = services.export_contingents(fnac)
    assert run.errors.get().kind == RunError.Kind.MAPPING
    assert counts(contingent)["to_export"] == 2
    assert held_by_reseller(fnac, shop.concert_1) == []
    assert len(mail.outbox) == 1  # the real run's failure, not the dry run's


@pytest.mark.parametrize("failure", ["down", "slow", "garbage"])
def test_a_reseller_that_fails_is_an_external_error(fnac, shop, failure, settings):
    exported(fnac, shop, count=2)
    sell(shop.concert_1, count=1)
    settings.RESELLERS = {"SOAP_TIMEOUT": 1}
    mode(failure, seconds=3 if failure == "slow" else None)
    before = state_of_the_shop()
    run = services.integrate_sales(fnac)
    assert run.state == Run.State.FAILED
    assert run.errors.get().kind == RunError.Kind.EXTERNAL
    assert state_of_the_shop() == before
    assert len(mail.outbox) == 1
    mode("normal")
    settings.RESELLERS = {"SOAP_TIMEOUT": 120}
    rerun = services.integrate_sales(fnac)
    assert rerun.orders_created == 1, list(rerun.errors.values_list("message", flat=True))


def test_a_crash_half_way_then_a_rerun_ends_as_one_clean_run(fnac, shop, monkeypatch, settings):
    exported(fnac, shop, count=4)
    sell(shop.concert_1, count=3)
    # Batches of one sale: the worker is killed after the first batch was committed.
    settings.RESELLERS = {"SOAP_TIMEOUT": 120, "INTEGRATION_BATCH": 1}
    real = services.integrate_batch
    calls = []

    def crash_on_the_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "integrate_batch", crash_on_the_second)
    crashed = services.integrate_sales(fnac)
    assert crashed.state == Run.State.FAILED
    assert crashed.errors.get().kind == RunError.Kind.TECHNICAL
    assert ResellerSale.objects.count() == 1
    monkeypatch.setattr(services, "integrate_batch", real)
    settings.RESELLERS = {"SOAP_TIMEOUT": 120}
    rerun = services.integrate_sales(fnac)
    assert (rerun.state, rerun.orders_created) == (Run.State.OK, 2)
    assert rerun.window_start == crashed.window_start  # the failed run did not move it
    crashed_state = state_of_the_shop()
    assert ResellerSale.objects.count() == Order.objects.filter(reseller_sale__isnull=False).count()
    assert len(crashed_state["orders"]) == 3
    assert services.integrate_sales(fnac).orders_created == 0


def test_a_second_run_while_one_holds_the_interface_is_refused(fnac, shop):
    token = services.acquire_lock(fnac)
    assert token
    run = services.integrate_sales(fnac)
    assert run.state == Run.State.REFUSED
    services.release_lock(fnac, token)
    assert services.integrate_sales(fnac).state == Run.State.OK


def test_a_product_family_the_reseller_may_not_sell_is_never_integrated(fnac, shop):
    contingent = exported(fnac, shop, count=2)
    sell(shop.concert_1, count=1)
    ResellerInterface.objects.filter(pk=fnac.pk).update(allowed_families="COMPETITION")
    fnac.refresh_from_db()
    run = services.integrate_sales(fnac)
    assert run.state == Run.State.FAILED
    assert "may not sell" in run.errors.get().message
    assert not ResellerSale.objects.exists()
    allot = services.export_contingents(fnac, dry_run=True, contingent=contingent)
    assert "may not sell" in " ".join(allot.errors.values_list("message", flat=True))


def test_a_reseller_ticket_passes_access_control_once(fnac, shop, client, admin_user):
    exported(fnac, shop, count=2)
    sell(shop.concert_1, count=1)
    services.integrate_sales(fnac)
    barcode = ResellerSale.objects.get().line.barcode
    client.force_login(admin_user)
    api = "/backoffice/resellers/ticketscan/api/"

    def check(code, performance=shop.concert_1):
        response = client.post(api, {"barcode": code, "performance": performance.pk})
        assert response.status_code == 200
        return response.json()["status"]

    assert check(barcode, shop.concert_2) == "UNKNOWN"  # not for this performance
    assert check(barcode) == "VALID"
    assert check(barcode) == "ALREADY_USED"
    assert check("0000") == "UNKNOWN"
    page = client.post(
        "/backoffice/resellers/ticketscan/check/",
        {"barcode": barcode, "performance": shop.concert_1.pk},
    )
    assert "Already used" in page.content.decode()
    # Cancelled on the reseller's side: refused at the gate.
    cancel(ResellerSale.objects.get().sale_id)
    run = services.integrate_sales(fnac)
    assert run.state == Run.State.OK, list(run.errors.values_list("message", flat=True))
    assert check(barcode) == "CANCELLED"


def test_unsold_seats_go_back_at_the_release_deadline(fnac, shop):
    contingent = exported(fnac, shop, count=4)
    allot_seats(contingent, seat_category=shop.cat2, count=2)  # allotted, never exported
    sell(shop.concert_1, count=1)
    assert services.integrate_sales(fnac).orders_created == 1
    # The show is 7 days away; a deadline of 8 days means: now.
    ResellerInterface.objects.filter(pk=fnac.pk).update(release_deadline_hours=8 * 24)
    fnac.refresh_from_db()
    dry = services.export_contingents(fnac, dry_run=True)
    assert (dry.exported, dry.taken_back) == (2, 0)  # a dry run does not apply the deadline
    run = services.export_contingents(fnac)
    assert (run.state, run.exported, run.taken_back, run.refused) == (Run.State.OK, 0, 3, 0)
    assert counts(contingent) == {
        "allotted": 1,
        "exported": 1,
        "to_export": 0,
        "to_take_back": 0,
        "sold": 1,
    }
    assert [s.sold for s in held_by_reseller(fnac, shop.concert_1)] == [True]


def test_an_unnumbered_hall_is_exported_by_count_and_its_sales_integrated(fnac, shop):
    from ticketshop.catalogue import models as cat

    product = cat.Product.objects.create(
        season=shop.season,
        code="GARDEN",
        family=cat.Family.EVENT,
        state=cat.State.RUNNING,
        name_en="Garden festival",
        price_grid=shop.concert.price_grid,
        quota=10,
    )
    cat.Price.objects.create(
        grid=shop.concert.price_grid, seat_category=None, tariff=shop.full, amount="12.00"
    )
    performance = cat.Performance.objects.create(
        product=product,
        start=shop.concert_2.start,
        duration=shop.concert_2.duration,
        state=cat.State.RUNNING,
        configuration=shop.configuration,
    )
    for kind, object_id, external in (
        (Mapping.Kind.EVENT, product.pk, "MOSA03"),
        (Mapping.Kind.SEAT_CATEGORY, None, "LIBRE"),  # seed 004's "LIBRE UNIQUE"
    ):
        Mapping.objects.create(
            interface=fnac, season=shop.season, kind=kind, object_id=object_id,
            external_id=external,
        )  # fmt: skip
    contingent = Contingent.objects.create(interface=fnac, performance=performance)
    allot_seats(contingent, count=4)
    run = services.export_contingents(fnac)
    assert (run.state, run.exported) == (Run.State.OK, 4), list(run.errors.all())
    held = held_by_reseller(fnac, performance)
    assert len(held) == 4 and {s.categoryId for s in held} == {"LIBRE"}
    sell(performance, count=2)
    run = services.integrate_sales(fnac)
    assert (run.state, run.orders_created) == (Run.State.OK, 2), list(run.errors.all())
    assert {t.price for t in OrderLine.objects.filter(performance=performance)} == {
        Decimal("12.00")
    }
    assert counts(contingent)["sold"] == 2
    withdraw_seats(contingent)
    run = services.export_contingents(fnac)
    assert (run.state, run.taken_back) == (Run.State.OK, 2), list(run.errors.all())
    assert counts(contingent)["allotted"] == 2


def test_sales_of_two_performances_and_their_cancellations_are_integrated_in_batches(
    fnac, shop, settings
):
    from ticketshop.sales.models import OrderMessage

    # Batches of 3: the 4 sales of two performances go in two transactions.
    settings.RESELLERS = {"SOAP_TIMEOUT": 120, "INTEGRATION_BATCH": 3}
    for performance in (shop.concert_1, shop.concert_2):
        contingent = Contingent.objects.create(interface=fnac, performance=performance)
        allot_seats(contingent, seat_category=shop.cat1, count=3)
    assert services.export_contingents(fnac).exported == 6
    sell(shop.concert_1, count=2)
    sell(shop.concert_2, count=2)
    run = services.integrate_sales(fnac)
    assert (run.state, run.orders_created) == (Run.State.OK, 4), list(run.errors.all())
    orders = Order.objects.filter(reseller_sale__isnull=False)
    assert {o.status for o in orders} == {Order.Status.PAID} and orders.count() == 4
    assert sorted(
        OrderLine.objects.filter(order__in=orders).values_list("performance_id", flat=True)
    ) == sorted([shop.concert_1.pk] * 2 + [shop.concert_2.pk] * 2)
    # Each order owes its confirmation (the outbox), as any paid order does.
    assert OrderMessage.objects.filter(order__in=orders, kind="CONFIRMATION").count() == 4

    first, second = (
        ResellerSale.objects.filter(line__performance=p).first()
        for p in (shop.concert_1, shop.concert_2)
    )
    cancel(first.sale_id)
    cancel(second.sale_id)
    run = services.integrate_sales(fnac)
    assert (run.state, run.cancellations) == (Run.State.OK, 2), list(run.errors.all())
    for sale in (first, second):
        sale.refresh_from_db()
        assert sale.cancelled_at is not None and sale.line.cancelled_at is not None
        assert sale.order.status == Order.Status.REFUNDED
        assert OrderMessage.objects.filter(order=sale.order, kind="REFUND").count() == 1
        # The seat is the reseller's again: held for the contingent, exported, not on the web.
        again = SeatReservation.objects.get(
            performance_id=sale.line.performance_id, seat=sale.line.seat, status="HELD"
        )
        assert again.expires_at is None
    assert ContingentSeat.objects.filter(state="SALE_CANCELLED").count() == 2
    assert ContingentSeat.objects.filter(state="EXPORTED").count() == 4  # 2 unsold + 2 back
    before = state_of_the_shop()
    assert services.integrate_sales(fnac).orders_created == 0
    assert state_of_the_shop() == before


def test_a_crash_inside_a_batch_writes_nothing_of_it(fnac, shop, monkeypatch):
    exported(fnac, shop, count=4)
    sell(shop.concert_1, count=3)
    real = services.ResellerSale.objects.bulk_create

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(services.ResellerSale.objects, "bulk_create", crash)
    before = state_of_the_shop()
    assert services.integrate_sales(fnac).state == Run.State.FAILED
    assert state_of_the_shop() == before  # orders, tickets and places rolled back together
    monkeypatch.setattr(services.ResellerSale.objects, "bulk_create", real)
    assert services.integrate_sales(fnac).orders_created == 3
