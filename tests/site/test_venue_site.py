"""Issue 12 (W1-W6, L1, X1): the website as a venue's site, through HTTP.

Event pages are made here with imported-looking facts; their availability is put in the
plugin's cache, as the ticketshop would have answered, so no ticketshop needs to run."""

import datetime as dt
import importlib
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import Locale

from events.models import EventIndexPage, EventPage
from home.demo import load_site_demo
from home.models import HomePage
from tests.fixtures.identity import PASSWORD, make_contact, use_keys
from ticketshop.contacts.models import ContactLink
from ticketshop.contacts.services import link_contact
from ticketshop.organisation.models import Organisation, PointOfSales, SalesChannel

pytestmark = pytest.mark.django_db

LANGUAGES = ["fr", "en", "de", "es"]
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">')


def iso(moment):
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def performance(pid, start, state="RUNNING", low="30.00", high="45.50"):
    return {
        "id": pid,
        "state": state,
        "start": iso(start),
        "durationMinutes": 90,
        "venue": "The CUBE",
        "hall": "Main hall",
        "seatCategories": [
            {"id": 1, "code": "CAT1", "name": "Category 1", "minPrice": low, "maxPrice": high}
        ],
    }


def make_event(index, slug, product_id, performances, sales_start, themes=("THEATRE",)):
    now = timezone.now()
    page = EventPage(
        title=slug.capitalize(),
        slug=slug,
        ticketshop_id=product_id,
        product_code=slug[:8].upper(),
        family="EVENT",
        state="RUNNING",
        season_code="S2026",
        season_name="Season 2026",
        imported_description=f"{slug} on stage.",
        theme_codes="," + ",".join(themes) + ",",
        themes=[{"code": c, "name": c.capitalize(), "parentCode": None} for c in themes],
        performances=performances,
        first_performance=min(dt.datetime.fromisoformat(p["start"]) for p in performances),
        last_performance=max(dt.datetime.fromisoformat(p["start"]) for p in performances),
        venue_names="The CUBE",
        price_min="30.00",
        price_max="45.50",
        currency="EUR",
        sales_start=sales_start,
        sales_end=now + dt.timedelta(days=60),
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def available(kind, item_id, indicator, remaining=None):
    cache.set(
        f"secutix:availability:{kind}:{item_id}",
        {"indicator": indicator, "remaining": remaining},
        600,
    )


@pytest.fixture
def site():
    cache.clear()
    load_site_demo()
    now = timezone.now()
    index = EventIndexPage.objects.get(locale__language_code="en")
    hamlet = make_event(
        index,
        "hamlet",
        101,
        [
            performance(11, now + dt.timedelta(days=7)),  # on sale
            performance(12, now + dt.timedelta(days=8)),  # sold out
            performance(13, now + dt.timedelta(days=9), state="CANCELED"),
        ],
        sales_start=now - dt.timedelta(days=10),
    )
    swan = make_event(
        index,
        "swan",
        102,
        [performance(21, now + dt.timedelta(days=20))],
        sales_start=now + dt.timedelta(days=3),
        themes=("DANCE",),
    )
    available("product", 101, 1, 40)
    available("performance", 11, 1, 30)
    available("performance", 12, 3, 0)
    available("performance", 13, 1, 10)
    available("product", 102, 1, 60)
    available("performance", 21, 1, 60)
    for code in ("fr", "de", "es"):  # the importer makes every language's page
        for page in (hamlet, swan):
            page.copy_for_translation(Locale.objects.get(language_code=code))
            translated = page.get_translation(Locale.objects.get(language_code=code))
            translated.save_revision().publish()
    yield {"hamlet": hamlet, "swan": swan, "now": now}
    cache.clear()


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.get("Location"))
    return response.content.decode()


def json_ld(html):
    return {item["@id"].rsplit("-", 1)[1]: item for item in map(json.loads, JSON_LD.findall(html))}


# --- found and shared (W6) ---------------------------------------------------------------------


def test_json_ld_per_performance_agrees_with_the_badges_and_book_links(client, site):
    html = get(client, "/en/events/hamlet/")
    events = json_ld(html)
    assert set(events) == {"11", "12", "13"}

    on_sale = events["11"]
    assert on_sale["@type"] == "Event" and on_sale["name"] == "Hamlet"
    assert on_sale["eventStatus"] == "https://schema.org/EventScheduled"
    assert on_sale["startDate"].endswith("+00:00")
    offer = on_sale["offers"]
    assert offer["availability"] == "https://schema.org/InStock"
    assert (offer["price"], offer["lowPrice"], offer["highPrice"]) == ("30.00", "30.00", "45.50")
    assert offer["priceCurrency"] == "EUR"
    book = re.search(r'<a class="button book" href="([^"]+performance\?id=11[^"]*)"', html)
    assert book and offer["url"] == book.group(1).replace("&amp;", "&")

    sold_out = events["12"]
    assert sold_out["offers"]["availability"] == "https://schema.org/SoldOut"
    row_12 = html.split('data-availability-id="12"')[0].rsplit("<tr", 1)[1]
    assert "performance-full" in row_12
    assert "availability-full" in html.split('data-availability-id="12"')[0][-200:]

    cancelled = events["13"]
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled"
    row_13 = html.split("performance-cancelled")[1].split("</tr>")[0]
    assert "Cancelled" in row_13 and 'class="button book"' not in row_13
    assert 'data-availability-id="13"' not in html  # no "Available" next to "Cancelled"


def test_json_ld_of_a_performance_not_yet_on_sale_is_a_pre_order(client, site):
    html = get(client, "/en/events/swan/")
    offer = json_ld(html)["21"]["offers"]
    assert offer["availability"] == "https://schema.org/PreOrder"
    assert dt.datetime.fromisoformat(offer["validFrom"]) == site["swan"].sales_start
    assert "Not yet on sale" in html
    main = html.split("<main")[1].split("</main>")[0]
    assert "Available" not in main  # the badge does not contradict it


def test_open_graph_and_description(client, site):
    html = get(client, "/fr/a-l-affiche/hamlet/")
    assert '<meta property="og:type" content="event">' in html
    assert '<meta property="og:title" content="Hamlet">' in html
    assert '<meta property="og:locale" content="fr">' in html
    assert '<meta name="description" content="hamlet on stage.">' in html


# The static pages' slugs in each language (W5, issue 12): hreflang and the sitemap use them.
HELP = {"en": "/help/", "fr": "/aide/", "de": "/hilfe/", "es": "/ayuda/"}
TERMS = {
    "en": "/terms-of-sale/",
    "fr": "/conditions-generales-de-vente/",
    "de": "/allgemeine-verkaufsbedingungen/",
    "es": "/condiciones-generales-de-venta/",
}

EVENTS = {"en": "/events/", "fr": "/a-l-affiche/", "de": "/programm/", "es": "/cartelera/"}
HAMLET = {code: f"{path}hamlet/" for code, path in EVENTS.items()}  # its name is its code


def _same(path):
    return dict.fromkeys(LANGUAGES, path)


@pytest.mark.parametrize("language", LANGUAGES)
def test_hreflang_alternates_in_every_head(client, site, language):
    for paths in (_same("/"), EVENTS, HAMLET, HELP):
        path = paths[language]
        html = get(client, f"/{language}{path}")
        head = html.split("</head>")[0]
        links = dict(ALTERNATE.findall(head))
        assert set(links) == {*LANGUAGES, "x-default"}, path
        for code in LANGUAGES:
            assert links[code] == f"http://testserver/{code}{paths[code]}"
        assert links["x-default"] == f"http://testserver/en{paths['en']}"
        assert f'<link rel="canonical" href="http://testserver/{language}{path}">' in head


def test_sitemap_lists_every_language_with_alternates(client, site):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(response.content)
    entries = {
        url.find("s:loc", ns).text: {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)
        }
        for url in root.findall("s:url", ns)
    }
    for code in LANGUAGES:
        for paths in (_same("/"), EVENTS, HAMLET, TERMS):
            location = f"http://testserver/{code}{paths[code]}"
            assert location in entries, location
            assert entries[location] == {c: f"http://testserver/{c}{paths[c]}" for c in LANGUAGES}
    assert "Sitemap: http://testserver/sitemap.xml" in get(client, "/robots.txt")


def test_ics_of_a_performance_uses_the_ticketshop_id_and_utc(client, site):
    html = get(client, "/en/events/hamlet/")
    assert 'href="/en/events/hamlet/calendar/11/"' in html
    response = client.get("/en/events/hamlet/calendar/11/")
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["UID"]) == "performance-11@performances.thecube.example"
    start = event.decoded("DTSTART")
    assert start.utcoffset() == dt.timedelta(0) and start.tzname() == "UTC"
    assert start == dt.datetime.fromisoformat(site["hamlet"].performances[0]["start"])
    assert event.decoded("DTEND") - start == dt.timedelta(minutes=90)
    assert str(event["SUMMARY"]) == "Hamlet"
    assert str(event["URL"]) == "http://testserver/en/events/hamlet/"
    assert client.get("/en/events/hamlet/calendar/999/").status_code == 404


def test_calendar_feed_per_theme(client, site):
    html = get(client, "/fr/a-l-affiche/theme/theatre/")
    assert 'href="/fr/a-l-affiche/theme/theatre/calendar/"' in html
    response = client.get("/fr/a-l-affiche/theme/theatre/calendar/")
    calendar = Calendar.from_ical(response.content)
    uids = {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert uids == {f"performance-{i}@performances.thecube.example" for i in (11, 12, 13)}
    statuses = {str(e["UID"]).split("@")[0]: str(e["STATUS"]) for e in calendar.walk("VEVENT")}
    assert statuses["performance-13"] == "CANCELLED"
    dance = Calendar.from_ical(client.get("/en/events/theme/dance/calendar/").content)
    assert [str(e["UID"]) for e in dance.walk("VEVENT")] == [
        "performance-21@performances.thecube.example"
    ]
    assert client.get("/en/events/theme/nothing/calendar/").status_code == 404


def test_event_index_is_paginated_keeping_the_filters(client, site, monkeypatch):
    monkeypatch.setattr("events.models.EVENTS_PER_PAGE", 1)
    first = get(client, "/en/events/?season=S2026")
    assert first.count('class="event-card"') == 1 and ">Hamlet<" in first
    assert 'href="?season=S2026&amp;page=2"' in first
    second = get(client, "/en/events/?season=S2026&page=2")
    assert ">Swan<" in second and 'rel="prev"' in second
    assert ">Swan<" in get(client, "/en/events/?season=S2026&page=99")  # the last page


# --- the home page, images, navigation (W1) ---------------------------------------------------


def test_home_page_has_a_hero_featured_events_themes_and_a_main_navigation(client, site):
    html = get(client, "/fr/")
    home = HomePage.objects.get(locale__language_code="fr")
    assert home.hero_image is not None and len(home.theme_links) == 4
    assert 'class="hero with-image"' in html and "srcset=" in html
    featured = html.split('id="featured-title"')[1].split("</section>")[0]
    assert ">Hamlet<" in featured and ">Swan<" not in featured  # the next on sale only
    assert 'href="/fr/a-l-affiche/theme/theatre/"' in html.split('class="theme-tiles"')[1]
    nav = html.split('class="main-nav"')[1].split("</nav>")[0]
    assert 'href="/fr/a-l-affiche/"' in nav and "À l'affiche" in nav
    assert (
        'href="/fr/a-l-affiche/theme/theatre/"' in nav
        and 'href="/fr/a-l-affiche/theme/dance/"' in nav
    )


def test_editors_choose_the_featured_events(client, site):
    home = HomePage.objects.get(locale__language_code="de")
    home.featured_events = [("event", site["swan"])]  # chosen in English: shown in German
    home.save_revision().publish()
    featured = get(client, "/de/").split('id="featured-title"')[1].split("</section>")[0]
    assert 'href="/de/programm/swan/"' in featured and "hamlet" not in featured


def test_demo_event_pages_get_drawn_teaser_images(client, site):
    from home.demo_images import attach_event_teasers

    assert attach_event_teasers() == 8  # two events in four languages
    assert attach_event_teasers() == 0
    page = EventPage.objects.get(slug="hamlet", locale__language_code="fr")
    assert page.teaser_image.collection.name == "Demo images"
    html = get(client, "/fr/a-l-affiche/")
    assert 'class="teaser"' in html and "srcset=" in html
    event = get(client, "/fr/a-l-affiche/hamlet/")
    assert '<meta property="og:image" content="http://testserver/media/images/' in event


# --- languages (W5, X1) -------------------------------------------------------------------------


def test_prices_are_localised(client, site):
    assert "Category 1: 30,00–45,50 EUR" in get(client, "/fr/a-l-affiche/hamlet/")
    assert "Category 1: 30,00–45,50 EUR" in get(client, "/de/programm/hamlet/")
    assert "Category 1: 30.00–45.50 EUR" in get(client, "/en/events/hamlet/")


def switch_links(html):
    switch = html.split('class="language-switch"')[1].split("</ul>")[0]
    return dict(
        (code, href.replace("&amp;", "&"))
        for href, code in re.findall(r'href="([^"]*)" hreflang="(\w+)"', switch)
    )


def test_language_switch_keeps_the_page_and_its_query(client, site):
    assert switch_links(get(client, "/fr/search/?q=hamlet"))["de"] == "/de/search/?q=hamlet"
    links = switch_links(get(client, "/en/events/theme/theatre/?season=S2026"))
    assert links["fr"] == "/fr/a-l-affiche/theme/theatre/?season=S2026"
    assert switch_links(get(client, "/es/cartelera/?theme=DANCE&page=1"))["en"] == (
        "/en/events/?theme=DANCE&page=1"
    )
    idp = switch_links(get(client, "/idp/login/?next=/account/"))
    assert idp["de"] == "/idp/login/?next=%2Faccount%2F&lang=de"


def test_the_chosen_language_is_kept_where_the_address_has_none(client, site):
    get(client, "/de/")
    assert client.cookies["django_language"].value == "de"
    html = get(client, "/idp/login/", 200)
    assert '<html lang="de">' in html and "Anmelden" in html
    get(client, "/idp/login/?lang=es")
    assert client.cookies["django_language"].value == "es"
    assert '<html lang="es">' in get(client, "/idp/login/")
    assert client.get("/").headers["Location"] == "/es/"  # e.g. where signing out lands


# --- error pages (W3) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language,title", [("fr", "Page non trouvée"), ("en", "Page not found"), ("de", "Seite")]
)
def test_404_is_the_sites_page_in_the_visitors_language(client, site, language, title):
    html = get(client, f"/{language}/no-such-show/", 404)
    assert f'<html lang="{language}">' in html and 'class="site-header"' in html
    assert title in html and "URLconf" not in html and "Traceback" not in html
    assert 'class="main-nav"' in html


def test_403_and_400_are_the_sites_pages(site):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.cookies["django_language"] = "fr"
    response = strict.post("/idp/login/", {"email": "x@example.com", "password": "x"})
    html = response.content.decode()
    assert response.status_code == 403 and "Accès refusé" in html
    assert 'class="site-header"' in html and "CSRF" not in html
    response = Client().get("/de/", HTTP_HOST="bad host!")
    assert response.status_code == 400 and "Ungültige Anfrage" in response.content.decode()


def test_dev_settings_show_the_debug_page_only_when_asked(monkeypatch):
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    dev = importlib.reload(importlib.import_module("website.settings.dev"))
    assert dev.DEBUG is False and dev.SERVE_STATIC_FILES is True
    monkeypatch.setenv("DJANGO_DEBUG", "1")
    assert importlib.reload(dev).DEBUG is True


def test_500_is_the_sites_page(client, site, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(EventPage, "performance_rows", broken)
    client.raise_request_exception = False
    html = get(client, "/fr/a-l-affiche/hamlet/", 500)
    assert "Une erreur" in html or "Something went wrong" in html
    assert 'class="site-header"' in html and "boom" not in html


def test_unknown_ids_in_the_account_area_are_real_404s(client, site, settings, keys_dir):  # noqa: F811
    use_keys(settings, keys_dir)  # the IdP signs in with keys of its own
    organisation = Organisation.objects.create(code="CUBE", name="The CUBE")
    channel = SalesChannel.objects.create(organisation=organisation, code="WEB", name="Internet")
    PointOfSales.objects.create(
        channel=channel,
        code="TICKETSHOP",
        name="Ticketshop",
        allow_purchase_for_friends_family=True,
    )
    visitor = make_contact(organisation, "michel@example.com", "Michel", "Shapira", language="fr")
    other = make_contact(organisation, "other@example.com", "Other", "Parent")
    theirs, _ = link_contact(other, "miso@example.com", "Miso", "Milicevic")
    assert client.post("/idp/login/", {"email": visitor.email, "password": PASSWORD}).status_code
    for url in ("/account/friends/999999/remove/", f"/account/friends/{theirs.pk}/remove/"):
        response = client.post(url)
        assert response.status_code == 404, (url, response.get("Location"))
        assert 'class="site-header"' in response.content.decode()
    assert client.get("/account/orders/999999/").status_code == 404
    # the shop's language is in its address: the switch leads to the same shop page
    assert switch_links(get(client, "/shop/fr/cart/"))["de"] == "/shop/de/cart/"
    assert ContactLink.objects.filter(pk=theirs.pk).exists()
    # an address without language that is not a page still goes to the visitor's language
    assert client.get("/events/").status_code == 302


# --- editors ---------------------------------------------------------------------------------


def test_editors_read_performances_as_a_table_and_themes_as_names(client, site, django_user_model):
    editor = django_user_model.objects.create_superuser("editor", "e@example.com", "Ed-pw-2026")
    client.force_login(editor)
    html = get(client, f"/admin/pages/{site['hamlet'].pk}/edit/")
    table = html.split('<table class="listing">')[1].split("</table>")[0]
    assert table.count("<tr>") == 4  # the head and three performances
    assert "Category 1: 30.00–45.50 EUR" in table and "CANCELED" in table
    assert "<strong>Theatre</strong>" in html
    assert "seatCategories" not in html and ",THEATRE," not in html
