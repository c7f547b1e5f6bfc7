"""Issue 14: "Highlight the season of the products on sale", switched on at the ticketshop's point
of sales, reaches the website through its daily import (getPOSConfig's `highlightSeason`): the
event cards of the index, the theme pages and the home page show the season's name in the page's
language. Switched off, they do not. A SecuTix that does not send it highlights nothing."""

import re

import pytest

from secutix_integration.importer import run_import

SEASON = re.compile(r'<p class="season-label">([^<]*)</p>')


def seasons_on(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return SEASON.findall(response.content.decode())


@pytest.fixture
def imported(ticketshop):
    run = run_import()
    assert run.status == "success", run.error_log
    return ticketshop


def test_the_cards_follow_the_point_of_sales(client, imported):
    assert seasons_on(client, "/en/events/") == []

    imported.pos.highlight_season = True
    imported.pos.save()
    run = run_import()  # not forced: getLastSetupUpdate moved with the point of sales
    assert run.status == "success", run.error_log
    assert run.updated == 12 and run.created == 0  # 3 products × 4 languages, one field each

    assert seasons_on(client, "/en/events/") == ["Season 2026"] * 3
    assert seasons_on(client, "/fr/a-l-affiche/") == ["Saison 2026"] * 3
    assert seasons_on(client, "/fr/a-l-affiche/theme/music/") == ["Saison 2026"]

    imported.pos.highlight_season = False
    imported.pos.save()
    assert run_import().status == "success"
    assert seasons_on(client, "/en/events/") == []
