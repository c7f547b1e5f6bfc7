"""W5 (issue 12): each language's pages have slugs in that language; the old addresses 301.

Event pages take their slug from the product's name in each language, then its code (the
default language keeps the code); the static pages take theirs from their title. The
addresses the point of sales and search engines know — English slugs in every language,
event pages by product code — answer 301 to the page in its language, query string kept.
The sitemap and the hreflang alternates list the translated addresses.
"""

import importlib
import xml.etree.ElementTree as ET

import pytest
from django.apps import apps
from wagtail.contrib.redirects.models import Redirect

from home.demo import load_site_demo
from secutix_integration import soap_client
from secutix_integration.importer import run_import
from tests.secutix_integration import answers

NAMES = {
    "en": "The Misanthrope",
    "fr": "Le Misanthrope",
    "de": "Der Menschenfeind",
    "es": "El misántropo",
}
EVENT = {
    "en": "/en/events/misanth/",
    "fr": "/fr/a-l-affiche/le-misanthrope-misanth/",
    "de": "/de/programm/der-menschenfeind-misanth/",
    "es": "/es/cartelera/el-misantropo-misanth/",
}
TERMS = {
    "en": "/en/terms-of-sale/",
    "fr": "/fr/conditions-generales-de-vente/",
    "de": "/de/allgemeine-verkaufsbedingungen/",
    "es": "/es/condiciones-generales-de-venta/",
}
LANGUAGES = list(EVENT)
INDEX = {"en": "events", "fr": "a-l-affiche", "de": "programm", "es": "cartelera"}


@pytest.fixture
def site(db, monkeypatch):
    load_site_demo()
    product = answers.product(1, code="MISANTH")
    product["externalName"] = answers.text(
        NAMES["en"], **{k: v for k, v in NAMES.items() if k != "en"}
    )
    product["themes"] = [{"id": 1, "code": "DRAMA", "externalName": answers.text("Drama")}]
    hamlet = answers.product(2, code="HAMLET", name="Hamlet")
    hamlet["externalName"] = answers.text("Hamlet", fr="Hamlet", de="Hamlet", es="Hamlet")
    service = answers.Service(answers.catalogue([product, hamlet]))
    monkeypatch.setattr(soap_client, "_service", lambda *args, **kwargs: service)
    run = run_import()
    assert run.status == "success", run.error_log


def test_each_languages_event_page_has_a_slug_in_its_language(client, site):
    for language in LANGUAGES:
        response = client.get(EVENT[language])
        assert response.status_code == 200, language
        assert f"<h1>{NAMES[language]}</h1>" in response.content.decode()
        # a name that is the code keeps the code alone: no "hamlet-hamlet"
        assert client.get(f"/{language}/{INDEX[language]}/hamlet/").status_code == 200


def test_the_old_addresses_answer_301_to_the_translated_ones(client, site):
    for language in ("fr", "de", "es"):
        # an event page by its product code: the ticketshop's product_detail_url links
        response = client.get(f"/{language}/events/misanth/?utm_source=pos")
        assert response.status_code == 301, language
        assert response["Location"] == f"{EVENT[language]}?utm_source=pos"
        # a static page at its English slug: the point of sales' terms / help links
        response = client.get(f"/{language}/terms-of-sale/")
        assert response.status_code == 301 and response["Location"] == TERMS[language]
        assert client.get(response["Location"]).status_code == 200
        # what never existed stays a 404
        assert client.get(f"/{language}/no-such-page/").status_code == 404
        assert client.get(f"/{language}/events/nothing/").status_code == 404


def test_hreflang_and_the_sitemap_point_to_the_translated_slugs(client, site):
    for language in LANGUAGES:
        head = client.get(EVENT[language]).content.decode().split("</head>")[0]
        for code in LANGUAGES:
            link = f'<link rel="alternate" hreflang="{code}" href="http://testserver{EVENT[code]}">'
            assert link in head, (language, code)
    root = ET.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    entries = {
        url.find("s:loc", ns).text: {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)
        }
        for url in root.findall("s:url", ns)
    }
    indexes = {code: f"/{code}/{slug}/" for code, slug in INDEX.items()}
    for pages in (EVENT, TERMS, indexes):
        expected = {code: f"http://testserver{path}" for code, path in pages.items()}
        for code in LANGUAGES:
            assert entries[expected[code]] == expected
    assert "http://testserver/fr/terms-of-sale/" not in entries
    assert "http://testserver/fr/a-l-affiche/misanth/" not in entries


def test_a_second_demo_run_moves_an_english_slug_left_by_an_older_demo(client, site):
    """A database set up before issue 12 has /fr/terms-of-sale/ and /fr/events/: the demo gives
    them their French slugs, and the old addresses answer 301."""
    from home.models import StaticPage

    french = StaticPage.objects.get(
        locale__language_code="fr", slug="conditions-generales-de-vente"
    )
    french.slug = "terms-of-sale"
    french.save_revision().publish()
    assert client.get("/fr/terms-of-sale/").status_code == 200
    from events.models import EventIndexPage

    index = EventIndexPage.objects.get(locale__language_code="fr")
    index.slug = "events"  # the events index too
    index.save_revision().publish()
    assert client.get("/fr/events/").status_code == 200
    load_site_demo()
    response = client.get("/fr/events/le-misanthrope-misanth/")
    assert response.status_code == 301 and response["Location"] == EVENT["fr"]
    assert client.get(TERMS["fr"]).status_code == 200
    response = client.get("/fr/terms-of-sale/")
    assert response.status_code == 301 and response["Location"] == TERMS["fr"]


def test_the_events_index_has_a_slug_in_each_language_and_its_old_address_301s(client, site):
    """The events index was /fr/events/ in every language: now /fr/a-l-affiche/,
    /de/programm/, /es/cartelera/; every old address under it answers 301 to the new one, query
    string kept — the index, its event pages (by code or by their translated slug), its theme
    pages."""
    for language in ("fr", "de", "es"):
        index = f"/{language}/{INDEX[language]}/"
        assert client.get(index).status_code == 200
        old = {
            f"/{language}/events/?theme=DRAMA&page=1": f"{index}?theme=DRAMA&page=1",
            f"/{language}/events/misanth/?utm_source=pos": f"{EVENT[language]}?utm_source=pos",
            f"/{language}/events/{EVENT[language].split('/')[-2]}/": EVENT[language],
            f"/{language}/events/theme/drama/?season=S30": f"{index}theme/drama/?season=S30",
        }
        for path, target in old.items():
            response = client.get(path)
            assert (response.status_code, response.get("Location")) == (301, target), path
            assert client.get(target).status_code == 200, target
        assert client.get(f"/{language}/events/theme/drama/nothing/").status_code == 404
    # the site's own links lead to the new addresses, not through a 301
    footer = client.get(EVENT["fr"]).content.decode().split('class="site-footer"')[1]
    assert 'href="/fr/a-l-affiche/"' in footer and f'href="{TERMS["fr"]}"' in footer
    assert "/fr/events/" not in footer and "/fr/terms-of-sale/" not in footer
    nav = client.get("/de/").content.decode().split('class="main-nav"')[1].split("</nav>")[0]
    assert 'href="/de/programm/"' in nav
    not_found = client.get("/es/no-such-page/").content.decode()
    assert 'href="/es/cartelera/"' in not_found


def test_an_editors_redirect_wins_over_the_old_slugs(client, site):
    Redirect.add_redirect("/fr/events", redirect_to="/fr/aide/", is_permanent=False)
    response = client.get("/fr/events/")
    assert response.status_code == 302 and response["Location"] == "/fr/aide/"


slugs_migration = importlib.import_module("events.migrations.0005_translated_slugs")


def test_the_slugs_of_a_site_set_up_before_translated_slugs_are_renamed(client, site):
    """A database from before: the index at `events` and event pages at their product code in
    every language. The data migration renames them, keeps an editor's own slug, records the old
    addresses; the old addresses answer 301 (query string kept)."""
    from events.models import EventIndexPage, EventPage

    slugs_migration.back_to_old_slugs(apps, None)  # the database as it was
    assert client.get("/fr/events/misanth/").status_code == 200
    spanish = EventPage.objects.get(locale__language_code="es", product_code="MISANTH")
    spanish.slug = "el-misantropo"  # an editor chose the Spanish page's slug
    spanish.save_revision().publish()
    german_index = EventIndexPage.objects.get(locale__language_code="de")
    german_index.slug = "spielplan"  # and the German index's
    german_index.save_revision().publish()

    slugs_migration.translate_slugs(apps, None)
    slugs_migration.translate_slugs(apps, None)  # a second run changes nothing

    assert client.get(EVENT["fr"]).status_code == 200
    assert client.get("/es/cartelera/el-misantropo/").status_code == 200  # the editor's, kept
    assert client.get("/de/spielplan/der-menschenfeind-misanth/").status_code == 200
    response = client.get("/fr/events/misanth/?utm_source=pos")
    assert response.status_code == 301
    assert response["Location"] == f"{EVENT['fr']}?utm_source=pos"
    assert client.get("/fr/events/?page=2")["Location"] == "/fr/a-l-affiche/?page=2"
    assert client.get("/es/events/el-misantropo/")["Location"] == "/es/cartelera/el-misantropo/"
    # the old addresses are recorded (Settings → Redirects), Wagtail's way
    recorded = dict(
        Redirect.objects.filter(automatically_created=True).values_list(
            "old_path", "redirect_page__url_path"
        )
    )
    french = EventPage.objects.get(locale__language_code="fr", product_code="MISANTH")
    assert recorded["/fr/events/misanth"] == french.url_path
    assert recorded["/fr/events"] == french.get_parent().url_path
    # an editor's next publish keeps the new slug (the latest revision follows)
    assert french.get_latest_revision_as_object().slug == french.slug
    index = EventIndexPage.objects.get(locale__language_code="fr")
    index.get_latest_revision_as_object().save_revision().publish()
    assert client.get("/fr/a-l-affiche/").status_code == 200
