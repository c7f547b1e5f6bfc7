"""C4: the import writes only the imported fields; every field an editor sets survives it.

An editor gives the page a teaser image, a long description, related pages, an SEO title, a
search description and a slug; the product then changes in the ticketshop and the catalogue is
imported again (over SOAP, from the live ticketshop of conftest.py). The imported facts change,
the editors' fields do not — on a published page, under a pending draft and on a page the
editor unpublished.
"""

from io import BytesIO

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection

from events.models import EventPage
from secutix_integration.importer import run_import
from secutix_integration.models import ImportRun


@pytest.fixture
def poster(ticketshop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    if Collection.get_first_root_node() is None:  # a transactional test's flush removed it
        Collection.add_root(name="Root")
    data = BytesIO()
    PILImage.new("RGB", (16, 9), "crimson").save(data, "PNG")
    return get_image_model().objects.create(title="Poster", file=ImageFile(data, name="poster.png"))


def _page(ticketshop, language="en"):
    return EventPage.objects.get(
        ticketshop_id=ticketshop.concert.pk, locale__language_code=language
    )


def _edit(page, poster, related):
    page.teaser_image = poster
    page.body = [("text", "<p>Our review</p>"), ("image", poster)]
    page.related_pages = [("page", related)]
    page.seo_title = "The concert of the year"
    page.search_description = "Chosen by our editors"
    page.slug = "concert-of-the-year"
    page.show_in_menus = True


def _editors_fields(page):
    return {
        "teaser_image": page.teaser_image_id,
        "body": page.body.get_prep_value(),
        "related_pages": page.related_pages.get_prep_value(),
        "seo_title": page.seo_title,
        "search_description": page.search_description,
        "slug": page.slug,
        "show_in_menus": page.show_in_menus,
    }


def _change_the_product(ticketshop):
    ticketshop.concert.name_en = "Big concert"
    ticketshop.concert.save()


def test_a_published_pages_editors_fields_survive_a_reimport(ticketshop, poster):
    assert run_import().status == ImportRun.Status.SUCCESS
    page, related = _page(ticketshop), _page(ticketshop, "fr")
    _edit(page, poster, related)
    page.save_revision().publish()
    edited = _editors_fields(EventPage.objects.get(pk=page.pk))
    assert edited["teaser_image"] == poster.pk and edited["seo_title"]

    _change_the_product(ticketshop)
    run = run_import()
    # the English page, and the Spanish one (no Spanish name: it shows the English one)
    assert run.status == ImportRun.Status.SUCCESS and run.updated == 2

    page = EventPage.objects.get(pk=page.pk)
    assert page.title == "Big concert"  # the imported facts were written…
    assert _editors_fields(page) == edited  # …and nothing of the editor's was
    assert page.teaser_image == poster
    # the published revision visitors see keeps them too
    assert _editors_fields(page.live_revision.as_object()) == edited

    # a forced import of an unchanged catalogue compares every field and writes nothing
    forced = run_import(force=True)
    assert forced.updated == 0 and forced.unchanged == 12
    assert _editors_fields(EventPage.objects.get(pk=page.pk)) == edited


def test_the_editors_fields_survive_under_a_pending_draft(ticketshop, poster):
    run_import()
    page, related = _page(ticketshop), _page(ticketshop, "fr")
    _edit(page, poster, related)
    page.save_revision().publish()
    published = _editors_fields(EventPage.objects.get(pk=page.pk))
    page = EventPage.objects.get(pk=page.pk)
    page.seo_title = "Draft SEO title"
    page.save_revision()  # a draft, not published
    _change_the_product(ticketshop)

    assert run_import().updated == 2  # English and Spanish

    page = EventPage.objects.get(pk=page.pk)
    assert page.title == "Big concert" and page.has_unpublished_changes
    assert _editors_fields(page) == published  # the live row: imported fields only
    draft = page.get_latest_revision_as_object()
    assert draft.title == "Big concert"
    assert _editors_fields(draft) == {**published, "seo_title": "Draft SEO title"}


def test_the_editors_fields_survive_on_a_page_the_editor_unpublished(ticketshop, poster):
    run_import()
    page, related = _page(ticketshop), _page(ticketshop, "fr")
    _edit(page, poster, related)
    page.save_revision().publish()
    page = EventPage.objects.get(pk=page.pk)
    page.unpublish()
    edited = _editors_fields(EventPage.objects.get(pk=page.pk))
    _change_the_product(ticketshop)

    run_import()

    page = EventPage.objects.get(pk=page.pk)
    assert not page.live and page.title == "Big concert"
    assert _editors_fields(page) == edited
