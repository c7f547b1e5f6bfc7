"""R6: the scan check (back-office page and JSON API) asks the reseller's GetCtrlAcces over
SOAP (the sandbox on the live server) for barcodes we do not know and for our reseller tickets;
a reseller down, slow or answering garbage is a clear "reseller unreachable", never a 500."""

import pytest

from ticketshop.resellers import services
from ticketshop.resellers.models import ResellerSale, Run

from .test_runs import cancel, exported, mode, sell

pytestmark = pytest.mark.django_db(transaction=True)
API = "/backoffice/resellers/ticketscan/api/"
PAGE = "/backoffice/resellers/ticketscan/check/"


def sandbox_sales(performance):
    """The reseller's sales, as its own counter lists them (sale id → barcode)."""
    from django.db import connection

    with connection.cursor() as cursor:  # the sandbox's own table; no import of its code
        cursor.execute(
            "SELECT sale_id, barcode FROM reseller_sandbox_saleline "
            "WHERE kind = 'SALE' AND performance_code = %s ORDER BY id",
            [str(performance.pk)],
        )
        return cursor.fetchall()


@pytest.fixture
def gate(client, admin_user):
    client.force_login(admin_user)

    def check(barcode, performance):
        response = client.post(API, {"barcode": barcode, "performance": performance.pk})
        assert response.status_code == 200, response.content[:500]
        return response.json()

    return check


def test_a_reseller_barcode_not_yet_integrated_is_asked_to_the_reseller(fnac, shop, gate):
    exported(fnac, shop, count=3)
    sell(shop.concert_1, count=2)
    (_first, barcode), (second, other) = sandbox_sales(shop.concert_1)
    answer = gate(barcode, shop.concert_1)
    assert (answer["status"], answer["reseller"]) == ("VALID", "fnac")
    assert gate(barcode, shop.concert_1)["status"] == "ALREADY_USED"
    assert gate(barcode, shop.concert_2)["status"] == "UNKNOWN"  # no contingent there
    assert gate("999999999999999999", shop.concert_1)["status"] == "UNKNOWN"
    cancel(second)
    assert gate(other, shop.concert_1)["status"] == "CANCELLED"
    # integrated later: the ticket let in on the reseller's word stays used
    run = services.integrate_sales(fnac)
    assert run.state == Run.State.OK, list(run.errors.values_list("message", flat=True))
    assert gate(barcode, shop.concert_1)["status"] == "ALREADY_USED"


def test_our_reseller_ticket_cancelled_at_the_reseller_is_refused_before_integration(
    fnac, shop, gate
):
    exported(fnac, shop, count=2)
    sell(shop.concert_1, count=2)
    services.integrate_sales(fnac)
    sale, other = ResellerSale.objects.order_by("pk")
    cancel(sale.sale_id)  # not integrated yet: our records still say paid
    answer = gate(sale.line.barcode, shop.concert_1)
    assert answer["status"] == "CANCELLED" and "reseller" in answer["message"]
    assert gate(other.line.barcode, shop.concert_1)["status"] == "VALID"
    assert gate(other.line.barcode, shop.concert_1)["status"] == "ALREADY_USED"


@pytest.mark.parametrize("failure", ["down", "garbage", "slow"])
def test_a_reseller_that_fails_is_a_clear_unreachable_answer(
    fnac, shop, gate, client, failure, settings
):
    exported(fnac, shop, count=2)
    sell(shop.concert_1, count=2)
    services.integrate_sales(fnac)
    ours = ResellerSale.objects.order_by("pk").first().line.barcode
    settings.RESELLERS = {"SOAP_TIMEOUT": 120, "ACCESS_TIMEOUT": 1}
    mode(failure, seconds=3 if failure == "slow" else None)
    answer = gate("123456789012345678", shop.concert_1)
    assert answer["status"] == "RESELLER_UNREACHABLE"
    assert "unreachable" in answer["message"]
    page = client.post(PAGE, {"barcode": "123456789012345678", "performance": shop.concert_1.pk})
    assert page.status_code == 200
    assert "Reseller unreachable" in page.content.decode()
    # one of our tickets: our records answer, with the warning
    answer = gate(ours, shop.concert_1)
    assert answer["status"] == "VALID" and "unreachable" in answer["message"]
    mode("normal")
