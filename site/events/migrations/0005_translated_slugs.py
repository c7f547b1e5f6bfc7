"""W5 (issue 12): the slugs of a site set up before translated slugs, in their language.

- The events index of each language other than English, still at the English slug `events`:
  its title's slug as the demo gives it (/fr/a-l-affiche/, /de/programm/, /es/cartelera/); the
  pages under it follow (their url_path).
- Event pages imported before translated slugs, still at their product code in fr/de/es: the
  slug the importer gives new pages (secutix_integration.pages.translated_slug, copied here as a
  migration must: the name in that language — the page's imported title —, then the code).

Only a slug still at its old value is changed: one an editor chose is kept, and a slug taken by
a sibling leaves the page as it is. The latest revision follows (else an editor's next publish
would bring the old slug back). Each old address is recorded as a Wagtail redirect
(automatically created, as Wagtail does when a slug changes; editors see them under Settings →
Redirects); website/legacy_slugs.py answers them first, keeping the query string.
Reversible: back to the old slugs.
"""

import re

from django.db import migrations
from django.utils.text import slugify

SLUG_MAX_LENGTH = 80
OLD_INDEX_SLUG = "events"
INDEX_SLUGS = {"fr": "a-l-affiche", "de": "programm", "es": "cartelera"}
DEFAULT_LANGUAGE = "en"


def event_slug(code, title):
    code = code.lower()
    words = slugify(re.sub(r"[\u2019':]", " ", title or ""))
    if not words or words == code:
        return code
    return f"{words[: SLUG_MAX_LENGTH - len(code) - 1].rstrip('-')}-{code}"


class Renamer:
    def __init__(self, apps):
        self.Page = apps.get_model("wagtailcore", "Page")
        self.Revision = apps.get_model("wagtailcore", "Revision")
        self.Redirect = apps.get_model("wagtailredirects", "Redirect")

    def public_path(self, page, url_path):
        """/<lang>/… of a page of a language's tree (its home is the tree's depth-2 page)."""
        home = self.Page.objects.filter(path=page.path[:8]).first()
        if home is None or not url_path.startswith(home.url_path):
            return None
        return f"/{page.locale.language_code}/{url_path[len(home.url_path) :]}"

    def rename(self, page, new_slug, record=True):
        """Page `page` (a wagtailcore Page row) to `new_slug`; False if a sibling has it."""
        old_slug, old_url_path = page.slug, page.url_path
        siblings = self.Page.objects.filter(
            path__startswith=page.path[:-4], depth=page.depth
        ).exclude(pk=page.pk)
        if siblings.filter(slug=new_slug).exists():
            return False
        new_url_path = f"{old_url_path[: -len(old_slug) - 1]}{new_slug}/"
        moved = [page] + list(
            self.Page.objects.filter(
                path__startswith=page.path, depth__gt=page.depth
            ).select_related("locale")
        )
        for row in moved:
            before = row.url_path
            row.url_path = new_url_path + row.url_path[len(old_url_path) :]
            if record and row.live:
                self.record(row, before)
            self.Page.objects.filter(pk=row.pk).update(url_path=row.url_path)
        self.Page.objects.filter(pk=page.pk).update(slug=new_slug)
        revision = self.Revision.objects.filter(pk=page.latest_revision_id).first()
        if revision is not None and revision.content.get("slug") == old_slug:
            revision.content = {**revision.content, "slug": new_slug, "url_path": new_url_path}
            revision.save(update_fields=["content"])
        return True

    def record(self, page, old_url_path):
        path = self.public_path(page, old_url_path)
        if path is None:
            return
        old_path = path.rstrip("/") or "/"
        self.Redirect.objects.filter(old_path=old_path, automatically_created=True).delete()
        if not self.Redirect.objects.filter(old_path=old_path).exists():
            self.Redirect.objects.create(
                old_path=old_path,
                site=None,
                is_permanent=True,
                redirect_page_id=page.pk,
                redirect_page_route_path="",
                automatically_created=True,
            )


def translate_slugs(apps, schema_editor):
    EventIndexPage = apps.get_model("events", "EventIndexPage")
    EventPage = apps.get_model("events", "EventPage")
    renamer = Renamer(apps)
    for index in EventIndexPage.objects.select_related("locale"):
        new_slug = INDEX_SLUGS.get(index.locale.language_code)
        if new_slug and index.slug == OLD_INDEX_SLUG:
            renamer.rename(renamer.Page.objects.select_related("locale").get(pk=index.pk), new_slug)
    pages = EventPage.objects.select_related("locale").exclude(
        locale__language_code=DEFAULT_LANGUAGE
    )
    for event in pages.only("pk", "slug", "product_code", "title", "locale"):
        code = event.product_code.lower()
        new_slug = event_slug(code, event.title)
        if event.slug == code and new_slug != code:
            renamer.rename(renamer.Page.objects.select_related("locale").get(pk=event.pk), new_slug)


def back_to_old_slugs(apps, schema_editor):
    EventIndexPage = apps.get_model("events", "EventIndexPage")
    EventPage = apps.get_model("events", "EventPage")
    renamer = Renamer(apps)
    pages = EventPage.objects.select_related("locale").exclude(
        locale__language_code=DEFAULT_LANGUAGE
    )
    for event in pages.only("pk", "slug", "product_code", "title", "locale"):
        code = event.product_code.lower()
        if event.slug == event_slug(code, event.title) != code:
            page = renamer.Page.objects.select_related("locale").get(pk=event.pk)
            renamer.rename(page, code, record=False)
    for index in EventIndexPage.objects.select_related("locale"):
        if INDEX_SLUGS.get(index.locale.language_code) == index.slug:
            page = renamer.Page.objects.select_related("locale").get(pk=index.pk)
            renamer.rename(page, OLD_INDEX_SLUG, record=False)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_eventpage_season_highlighted"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(translate_slugs, back_to_old_slugs)]
