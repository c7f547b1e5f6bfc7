"""L6 (issue 12): the terms of sale accepted at checkout are kept on the order — when, and the
address of the text the cart linked to — and shown in the back office's order."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tests.fixtures.booking import hold, sign_in
from ticketshop.sales.models import Order

TERMS = "https://www.thecube.example/{LANGUAGE}/conditions-of-sale/"


@pytest.fixture
def cart(client, shop):
    shop.pos.terms_of_sale_url = TERMS
    shop.pos.save()
    sign_in(client)
    hold(client, shop, {shop.full: 1}, shop.cat1, lang="fr")
    return Order.objects.get()


def test_the_acceptance_is_stored_on_the_order_with_the_terms_address(client, cart):
    page = client.get("/shop/fr/cart/").content.decode()
    french_terms = TERMS.replace("{LANGUAGE}", "fr")
    assert french_terms in page  # the text the visitor is asked to accept
    before = timezone.now()
    response = client.post("/shop/fr/cart/checkout/", {"accept_terms": "on"})
    assert response.status_code == 302  # on to the payment
    order = Order.objects.get()
    assert before <= order.terms_accepted_at <= timezone.now()
    assert order.terms_url == french_terms


def test_without_acceptance_nothing_is_stored(client, cart):
    response = client.post("/shop/fr/cart/checkout/", {})
    assert response.status_code == 400
    order = Order.objects.get()
    assert order.terms_accepted_at is None and order.terms_url == ""
    assert order.status == Order.Status.CART


def test_the_back_office_order_shows_the_acceptance(client, cart):
    client.post("/shop/fr/cart/checkout/", {"accept_terms": "on"})
    order = Order.objects.get()
    get_user_model().objects.create_superuser("boss", "boss@example.com", "Boss-pass-2026")
    staff = Client()
    staff.force_login(get_user_model().objects.get(username="boss"))
    page = staff.get(f"/backoffice/sales/order/{order.pk}/change/").content.decode()
    assert "Terms of sale accepted at" in page
    assert TERMS.replace("{LANGUAGE}", "fr") in page
