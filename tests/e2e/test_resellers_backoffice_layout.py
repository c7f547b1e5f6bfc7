"""R4, R7 in Chromium: the mappings' object chooser (a labelled list, no raw id to guess), the
runs list fitting a 1280 px screen, and the French back office of the reseller interfaces."""

import pytest
from django.contrib.auth import get_user_model

from tests.ticketshop.resellers.conftest import (  # noqa: F401 — the shared fixtures
    make_interface,
    reseller_settings,
    sandbox,
    shop,
)
from ticketshop.resellers import services
from ticketshop.resellers.models import Run

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(browser, base, locale="en-GB"):
    get_user_model().objects.create_superuser("boxoffice", "bo@thecube.example", "Box-office-42")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=locale)
    page.goto(f"{base}/backoffice/login/")
    page.fill("#id_username", "boxoffice")
    page.fill("#id_password", "Box-office-42")
    page.click("input[type=submit]")
    return page


def some_runs(interface):
    services.export_contingents(interface, dry_run=True)
    services.integrate_sales(interface)
    Run.objects.create(interface=interface, kind=Run.Kind.INTEGRATE, state=Run.State.FAILED)


def test_mapping_chooser_and_runs_list_at_1280_px(browser, screenshot, shop, sandbox):  # noqa: F811
    fnac = make_interface(shop, sandbox.url)
    some_runs(fnac)
    page = sign_in(browser, sandbox.url)
    page.goto(f"{sandbox.url}/backoffice/resellers/mapping/add/")
    chooser = page.locator("#id_object_id")
    options = page.locator(f"#{chooser.get_attribute('list')} option")
    labels = [options.nth(i).get_attribute("label") for i in range(options.count())]
    assert f"Tariff: CHILD — {shop.child}" in labels
    assert any(label.startswith("Event / pass: CONCERT") for label in labels)
    page.select_option("#id_interface", str(fnac.pk))
    page.select_option("#id_kind", "TARIFF")
    page.fill("#id_object_id", "999999")
    page.fill("#id_external_id", "77")
    page.click("input[name=_save]")
    assert "No Tariff has the id 999999" in page.inner_text(".errorlist")
    page.fill("#id_object_id", str(shop.child.pk))
    page.click("input[name=_save]")
    page.wait_for_selector("ul.messagelist")
    assert "CHILD" in page.inner_text("#result_list")

    page.goto(f"{sandbox.url}/backoffice/resellers/run/")
    table = page.locator("#result_list").bounding_box()
    screenshot(page, "resellers-runs-1280")
    assert table["x"] + table["width"] <= 1280, table  # no column cut off or scrolled away
    text = page.inner_text("#result_list")
    assert "Succeeded (dry run)" in text and "Failed" in text


def test_the_french_back_office_of_the_resellers(browser, screenshot, shop, sandbox):  # noqa: F811
    fnac = make_interface(shop, sandbox.url)
    some_runs(fnac)
    page = sign_in(browser, sandbox.url, locale="fr-FR")
    page.goto(f"{sandbox.url}/backoffice/resellers/")
    text = page.inner_text("#content")
    assert "Interfaces revendeurs" in text and "Exécutions" in text and "Contingents" in text
    page.goto(f"{sandbox.url}/backoffice/resellers/run/")
    text = page.inner_text("#result_list")
    assert "Réussie (simulation)" in text and "0 ventes, 0 commandes" in text
    assert "0 exportées, 0 reprises" in text
    screenshot(page, "resellers-runs-fr")
    page.goto(f"{sandbox.url}/backoffice/resellers/ticketscan/check/")
    page.fill("#id_barcode", "123")
    page.fill("#id_performance", str(shop.concert_1.pk))
    page.click("#access-check")
    assert "Billet inconnu pour cette séance." in page.inner_text("#access-result")
    screenshot(page, "resellers-access-fr")
