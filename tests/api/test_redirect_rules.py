"""L1: rules of the redirect API that mutation testing found unpinned (issue 18)."""

import pytest

from ticketshop.sales.availability import MAX_ID

R = "/api/1/redirect/"
ENDPOINTS = [
    "product",
    "product/performance",
    "account",
    "account/register",
    "account/edit",
    "account/activate",
    "cart",
]


@pytest.fixture(autouse=True)
def point_of_sales_setting(settings):
    settings.SECUTIX = {**settings.SECUTIX, "POINT_OF_SALES_CODE": "TICKETSHOP"}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_redirects_answer_get_only(client, shop, endpoint):
    for method in (client.post, client.put, client.delete):
        response = method(R + endpoint, {"id": shop.concert.pk})
        assert response.status_code == 405, (endpoint, method)
        assert "Location" not in response


def test_without_lang_the_points_of_sales_default_language_is_used(client, shop):
    shop.pos.default_language = "de"
    shop.pos.save()
    response = client.get(R + "product", {"id": shop.concert.pk})
    assert response["Location"] == f"/shop/de/product/{shop.concert.pk}/"
    assert client.get(R + "account")["Location"] == "/account/?lang=de"
    # an asked language still wins
    response = client.get(R + "product", {"id": shop.concert.pk, "lang": "es"})
    assert response["Location"] == f"/shop/es/product/{shop.concert.pk}/"


def test_the_largest_id_is_looked_up_and_one_more_is_refused(client, shop):
    for endpoint in ("product", "product/performance"):
        assert client.get(R + endpoint, {"id": str(MAX_ID)}).status_code == 404, endpoint
        assert client.get(R + endpoint, {"id": str(MAX_ID + 1)}).status_code == 400, endpoint
        assert client.get(R + endpoint, {"id": "0"}).status_code == 400, endpoint
    assert client.get(R + "cart", {"orderId": str(MAX_ID)}).status_code == 302
    assert client.get(R + "cart", {"orderId": str(MAX_ID + 1)}).status_code == 400
