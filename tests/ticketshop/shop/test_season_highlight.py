"""Issue 14, seed 000's "Highlight the season of the products on sale": a box-office user turns it
on in the back office and the shop's product and performance pages show the product's season, in
the page's language; off, they do not."""

import re

import pytest

pytestmark = pytest.mark.django_db

SEASON = re.compile(r'<p class="season-label">([^<]*)</p>')


def seasons_shown(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return SEASON.findall(response.content.decode())


def change_form(pos, **characteristics):
    """The point of sales' change form as the back office posts it (unticked boxes are absent)."""
    data = {
        "channel": pos.channel_id,
        "code": pos.code,
        "name": pos.name,
        "default_language": pos.default_language,
        "alert_ratio": str(pos.alert_ratio),
        "cart_expiry_minutes": str(pos.cart_expiry_minutes),
        "allowed_return_hosts": pos.allowed_return_hosts,
        "product_detail_url": pos.product_detail_url,
        "terms_of_sale_url": pos.terms_of_sale_url,
    }
    for name in (
        "show_remaining_count",
        "allow_purchase_for_friends_family",
        "modify_ticket_holder",
    ):
        if getattr(pos, name):
            data[name] = "on"
    return {**data, **characteristics}


def test_the_back_office_switch_shows_the_season_on_the_shop_pages(client, admin_client, shop):
    product = f"/shop/fr/product/{shop.concert.pk}/"
    performance = f"/shop/en/performance/{shop.concert_1.pk}/"
    assert seasons_shown(client, product) == [] and seasons_shown(client, performance) == []

    url = f"/backoffice/organisation/pointofsales/{shop.pos.pk}/change/"
    form = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="highlight_season"' in form  # editable now that the shop reads it
    response = admin_client.post(url, change_form(shop.pos, highlight_season="on"))
    assert response.status_code == 302, response.content.decode()[:2000]

    assert seasons_shown(client, product) == ["Saison 2026"]  # the French name on /fr/
    assert seasons_shown(client, performance) == ["Season 2026"]
    assert seasons_shown(client, f"/shop/de/product/{shop.concert.pk}/") == ["Season 2026"]

    response = admin_client.post(url, change_form(shop.pos))  # unticked: off again
    assert response.status_code == 302
    assert seasons_shown(client, product) == [] and seasons_shown(client, performance) == []


def test_undated_products_show_their_season_too(client, shop):
    shop.pos.highlight_season = True
    shop.pos.save()
    assert seasons_shown(client, f"/shop/en/product/{shop.pass_.pk}/") == ["Season 2026"]
