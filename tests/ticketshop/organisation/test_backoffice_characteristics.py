"""Issue 14: characteristics of the point of sales that nothing reads yet are shown read-only,
grouped under "Not available yet" with a help text, so no box-office user toggles a switch that
does nothing; those that a feature reads stay editable."""

import re

import pytest

from ticketshop.organisation.admin import NOT_AVAILABLE_YET

pytestmark = pytest.mark.django_db


def test_unused_characteristics_are_read_only_and_grouped(admin_client, pos):
    url = f"/backoffice/organisation/pointofsales/{pos.pk}/change/"
    html = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Not available yet" in html and "nothing in this ticketshop uses them yet" in html
    for name in NOT_AVAILABLE_YET:
        assert f'name="{name}"' not in html, name  # shown, not editable
        assert f"field-{name}" in html, name
    for name in (
        "allow_purchase_for_friends_family",
        "linked_contacts_must_consent",
        "highlight_season",  # read by the shop and the website's cards
    ):
        assert re.search(rf'name="{name}"', html), name  # read by a feature: editable


def test_posting_an_unused_characteristic_changes_nothing(admin_client, pos):
    url = f"/backoffice/organisation/pointofsales/{pos.pk}/change/"
    data = {
        "channel": pos.channel_id,
        "code": pos.code,
        "name": pos.name,
        "default_language": "en",
        "alert_ratio": "0.2",
        "cart_expiry_minutes": "20",
        "show_remaining_count": "on",
        "do_not_allow_waiting_list": "on",
        "affiliate_sale": "on",
        "cas_web_uri": "https://cas.example/",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    pos.refresh_from_db()
    assert str(pos.alert_ratio) == "0.200"  # the form was saved…
    assert (
        not pos.do_not_allow_waiting_list and not pos.affiliate_sale and pos.cas_web_uri == ""
    )  # …not these


def test_the_group_is_translated(admin_client, pos):
    url = f"/backoffice/organisation/pointofsales/{pos.pk}/change/"
    for language, title in (
        ("fr", "Pas encore disponible"),
        ("de", "Noch nicht verfügbar"),
        ("es", "Aún no disponible"),
    ):
        html = admin_client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert title in html, language
