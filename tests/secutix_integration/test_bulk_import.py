"""C4, P1: a first import writes its new pages in bulk (secutix_integration/bulk.py), and what
editors and visitors see is what page-by-page creation gave: a valid page tree, live pages
linked as translations, their slugs and URLs, their "Created" history, found by the search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify
from wagtail.models import Page, PageLogEntry, Revision

from home.demo import load_site_demo
from secutix_integration import soap_client
from secutix_integration.importer import run_import
from secutix_integration.models import ImportRun
from secutix_integration.pages import get_event_page_model
from tests.secutix_integration import answers

LANGUAGES = {"fr", "en", "de", "es"}
# the events index's slug in each language (W5, issue 12: site/home/demo.py)
INDEX = {"en": "events", "fr": "a-l-affiche", "de": "programm", "es": "cartelera"}


@pytest.fixture
def shop(db, monkeypatch, settings):
    load_site_demo()
    settings.SECUTIX = {**settings.SECUTIX, "IMPORT_IN_PROGRESS_WAIT_SECONDS": 0}
    service = answers.Service(answers.catalogue([answers.product(n) for n in range(12)]))
    monkeypatch.setattr(soap_client, "_service", lambda *args, **kwargs: service)
    return service


def pages():
    return get_event_page_model().objects.select_related("locale")


def test_the_page_tree_is_valid_after_a_bulk_import_and_after_one_more_page(shop):
    run = run_import()
    assert run.status == ImportRun.Status.SUCCESS and run.created == 12 * 4, run.error_log
    assert [len(problems) for problems in Page.find_problems()] == [0, 0, 0, 0, 0]
    for page in pages():
        parent = page.get_parent()
        assert page.depth == parent.depth + 1 and page.path.startswith(parent.path)
        assert page.url_path == f"{parent.url_path}{page.slug}/"
        assert page.locale_id == parent.locale_id
    # treebeard's own add_child after the bulk goes on from the last path (numchild is right)
    index = pages().filter(locale__language_code="en").first().get_parent()
    index.add_child(instance=get_event_page_model()(**_values("ADDED", 77)))
    assert [len(problems) for problems in Page.find_problems()] == [0, 0, 0, 0, 0]
    shop.catalogue = answers.catalogue([answers.product(n) for n in range(14)])
    assert run_import().created == 2 * 4  # a second bulk, after a page added one by one
    assert [len(problems) for problems in Page.find_problems()] == [0, 0, 0, 0, 0]


def _values(code, number):
    return {
        "title": code,
        "slug": code.lower(),
        "ticketshop_id": number,
        "product_code": code,
        "family": "SINGLE_ENTRY",
        "state": "RUNNING",
    }


def test_bulk_pages_are_live_translations_with_their_history_and_urls(shop, client):
    revisions = Revision.objects.count()  # the demo's own pages
    run_import()
    by_product = {}
    for page in pages():
        by_product.setdefault(page.ticketshop_id, {})[page.locale.language_code] = page
    assert len(by_product) == 12
    for product, translations in by_product.items():
        assert set(translations) == LANGUAGES
        assert len({p.translation_key for p in translations.values()}) == 1  # linked
        english = translations["en"]
        assert {p.pk for p in english.get_translations()} == {
            p.pk for lang, p in translations.items() if lang != "en"
        }
        for language, page in translations.items():
            assert page.live and page.first_published_at and not page.has_unpublished_changes
            code = f"p{product - 50_000:04d}"
            # W5: the code in English, the name in that language then the code in the others
            expected = code if language == "en" else f"{slugify(page.title)}-{code}"
            assert page.slug == expected and page.draft_title == page.title
            assert page.url == f"/{language}/{INDEX[language]}/{page.slug}/"
    assert Revision.objects.count() == revisions  # created live, as one by one: no revision yet
    created = PageLogEntry.objects.filter(action="wagtail.create", page__in=pages().values("pk"))
    assert created.count() == 12 * 4 and {e.label for e in created} == set(
        pages().values_list("title", flat=True)
    )
    response = client.get("/fr/events/p0003/", follow=True)  # the code's address: 301 on
    assert response.status_code == 200 and "Spectacle 3" in response.content.decode()


def test_the_search_finds_a_page_the_bulk_import_created(shop, client):
    run_import()
    html = client.get("/fr/search/", {"q": "Spectacle 7"}).content.decode()
    assert "/fr/a-l-affiche/spectacle-7-p0007/" in html
    html = client.get("/en/search/", {"q": "Show 11"}).content.decode()
    assert "/en/events/p0011/" in html


def test_a_forced_unchanged_reimport_writes_no_row(shop):
    run_import()
    with CaptureQueriesContext(connection) as queries:
        forced = run_import(force=True)
    assert forced.status == ImportRun.Status.SUCCESS and forced.unchanged == 12 * 4
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")
        and "secutix_integration_import" not in q["sql"]
    ]
    assert writes == []


def test_a_bad_product_among_new_ones_is_skipped_and_the_others_bulk_created(shop):
    products = [answers.product(n) for n in range(5)]
    products[2] = answers.product(2, code="P0001")  # the slug of product 1, once more
    shop.catalogue = answers.catalogue(products)
    run = run_import()
    assert run.status == ImportRun.Status.WARNINGS and run.created == 4 * 4
    assert [s["id"] for s in run.skipped] == [50_002] and "slug" in run.skipped[0]["reason"]
    assert [len(problems) for problems in Page.find_problems()] == [0, 0, 0, 0, 0]
