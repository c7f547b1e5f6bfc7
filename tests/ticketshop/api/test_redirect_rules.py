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
    settings.TICKETSHOP = {**settings.TICKETSHOP, "POINT_OF_SALES_CODE": "TICKETSHOP"}


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


def test_another_organisations_products_are_not_redirected_to(client, shop):
    from datetime import date, datetime, timedelta

    from ticketshop.catalogue import models as cat
    from ticketshop.organisation.models import Organisation

    other = Organisation.objects.create(code="OTHER", name="Other venue", currency="EUR")
    season = cat.Season.objects.create(
        organisation=other,
        code="S2026",
        name_en="Season 2026",
        start_date=date(2026, 9, 1),
        end_date=date(2027, 6, 30),
    )
    product = cat.Product.objects.create(
        season=season,
        code="ELSEWHERE",
        family=cat.Family.EVENT,
        state=cat.State.RUNNING,
        name_en="Elsewhere",
        price_grid=shop.concert.price_grid,
    )
    performance = cat.Performance.objects.create(
        product=product,
        start=datetime(2026, 10, 9, 20, 0, tzinfo=shop.concert_1.start.tzinfo),
        duration=timedelta(minutes=90),
        state=cat.State.RUNNING,
        configuration=shop.configuration,
    )
    assert client.get(R + "product", {"id": product.pk}).status_code == 404
    assert client.get(R + "product", {"code": "ELSEWHERE"}).status_code == 404
    assert client.get(R + "product/performance", {"id": performance.pk}).status_code == 404
    # the control: the point of sales' own are
    assert client.get(R + "product", {"id": shop.concert.pk}).status_code == 302
    assert client.get(R + "product/performance", {"id": shop.concert_1.pk}).status_code == 302


@pytest.mark.parametrize(
    "url, message",
    [
        ("https:www.thecube.example", "must be an http or https address"),
        ("mailto:someone@example.com", "must be an http or https address"),
        ("fr/merci/", "must start with a single"),
        ("//www.thecube.example/fr/", "must be an http or https address"),  # no scheme
    ],
)
def test_a_refused_return_url_says_why(client, shop, url, message):
    response = client.get(R + "account/register", {"callbackUrl": url, "lang": "en"})
    assert response.status_code == 400
    assert message in response.content.decode()
