"""The first Wagtail site: home pages in four languages, the base layout, the language switch."""

import pytest
from wagtail.models import Locale, Page

from home.demo import load_site_demo
from home.models import HomePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def homes():
    load_site_demo()
    return {page.locale.language_code: page for page in HomePage.objects.select_related("locale")}


def test_one_home_page_per_language_linked_as_translations(homes):
    assert set(homes) == {"fr", "en", "de", "es"}
    assert len({page.translation_key for page in homes.values()}) == 1
    assert set(Locale.objects.values_list("language_code", flat=True)) >= set(homes)


@pytest.mark.parametrize(
    "language,title", [("fr", "Le CUBE"), ("en", "The CUBE"), ("de", "Der CUBE"), ("es", "El CUBE")]
)
def test_home_page_in_each_language(client, homes, language, title):
    page = client.get(f"/{language}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"<h1>{title}</h1>" in html
    assert f'<html lang="{language}">' in html
    # the base layout: header with the cart, the account link and the language switch; a footer
    assert "/api/1/redirect/cart?lang=" + language in html
    assert "/api/1/redirect/account?lang=" + language in html
    assert 'class="site-footer"' in html


def test_language_switch_links_to_the_translation_of_the_page(client, homes):
    html = client.get("/de/").content.decode()
    for code in ("fr", "en", "es"):
        assert f'href="{homes[code].url}" hreflang="{code}"' in html
    assert 'hreflang="de" lang="de" title="Deutsch" aria-current="true"' in html


def test_loading_twice_changes_nothing(homes):
    pages = list(Page.objects.values_list("pk", "title", "live", "latest_revision_id"))
    load_site_demo()
    assert list(Page.objects.values_list("pk", "title", "live", "latest_revision_id")) == pages


def test_root_redirects_to_a_language(client, homes):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] in {"/en/", "/fr/", "/de/", "/es/"}


def test_wagtail_admin_is_reachable_for_editors(client, homes, django_user_model):
    django_user_model.objects.create_superuser("editor", "e@example.com", "Editor-pw-2026")
    client.login(username="editor", password="Editor-pw-2026")
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/pages/{homes['fr'].pk}/edit/").status_code == 200
