"""The back office for API accounts and seat reservations."""

from tests.fixtures.venue import sell
from ticketshop.api.models import ApiAccount


def test_api_account_admin_hashes_the_secret(admin_client, shop):
    assert admin_client.get("/backoffice/ticketshop_api/apiaccount/").status_code == 200
    response = admin_client.post(
        "/backoffice/ticketshop_api/apiaccount/add/",
        {
            "username": "partner",
            "point_of_sales": shop.pos.pk,
            "active": "on",
            "new_secret": "s3cret-Key",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    account = ApiAccount.objects.get(username="partner")
    assert account.secret != "s3cret-Key" and account.check_secret("s3cret-Key")
    refused = admin_client.post(
        "/backoffice/ticketshop_api/apiaccount/add/",
        {"username": "nosecret", "point_of_sales": shop.pos.pk, "active": "on"},
    )
    assert (
        refused.status_code == 200 and not ApiAccount.objects.filter(username="nosecret").exists()
    )
    # editing without a new secret keeps the old one
    admin_client.post(
        f"/backoffice/ticketshop_api/apiaccount/{account.pk}/change/",
        {"username": "partner", "point_of_sales": shop.pos.pk, "new_secret": ""},
    )
    account.refresh_from_db()
    assert account.check_secret("s3cret-Key") and not account.active


def test_reservations_are_read_only_in_the_back_office(admin_client, shop):
    sell(shop.concert_1, shop.seats[:2])
    response = admin_client.get("/backoffice/sales/seatreservation/")
    assert response.status_code == 200 and b"SOLD" in response.content
    assert admin_client.get("/backoffice/sales/seatreservation/add/").status_code == 403
