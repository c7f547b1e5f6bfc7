"""Issue 14: the point of sales' "Highlight the season" reaches API clients: getPOSConfig says
`highlightSeason` (ours; SecuTix clients treat it as optional), on JSON and on SOAP, and saving
the point of sales moves getLastSetupUpdate, so a client that copies the configuration (the
website's daily import) knows it changed."""

import datetime as dt

import pytest

from tests.ticketshop.api.test_json import CATALOG, post, token  # noqa: F401 — the token fixture
from tests.ticketshop.api.test_soap import CATALOG as SOAP_CATALOG
from tests.ticketshop.api.test_soap import client as soap_client


def test_get_pos_config_says_whether_the_season_is_highlighted(client, shop, token):  # noqa: F811
    def config():
        return post(client, CATALOG + "getPOSConfig", {}, token).json()["posConfigData"]

    def last_update():
        value = post(client, CATALOG + "getLastSetupUpdate", {}, token).json()["lastSetupUpdate"]
        return dt.datetime.fromisoformat(value)

    assert config()["highlightSeason"] is False
    before = last_update()
    shop.pos.highlight_season = True
    shop.pos.save()
    assert config()["highlightSeason"] is True
    assert last_update() > before


@pytest.mark.django_db(transaction=True)
def test_soap_get_pos_config_carries_it_too(live_server, shop):
    shop.pos.highlight_season = True
    shop.pos.save()
    service = soap_client(live_server, SOAP_CATALOG).service
    assert service.getPOSConfig().posConfigData.highlightSeason is True
