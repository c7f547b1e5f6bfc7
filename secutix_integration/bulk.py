"""The first import's fast path (C4, P1): a catalogue's NEW products become pages in bulk.

Creating a page one by one (`parent.add_child(instance=page)`) costs ~17 SQL statements: the
parent locked and re-read, its last child looked up, a full_clean with a slug query, the page
row, the event page row, the parent's numchild, a log entry, and the search index entry. For
the 2 000 pages of a first import that is most of its time (profiled: treebeard's add_child
83 % of a 60-page import, search indexing 31 % of it, full_clean 22 %).

Here the products' pages are planned first (checked with the same rules: fields cleaned by
importer.check_values, a parent from `index_for`, a slug free under that parent), then written
with a handful of statements whatever their number:

- the tree: each parent is locked (SELECT … FOR UPDATE, as treebeard does) and its last child's
  path read once; the new children get the next materialised paths (treebeard's own
  `_get_path`, so the same alphabet and step length), depth = parent's + 1, numchild 0, and the
  parent's numchild goes up by their number in one UPDATE;
- the rows: Wagtail's `Page` rows in one bulk_create (ids returned by PostgreSQL and SQLite ≥
  3.35), then the specific model's rows (multi-table inheritance: Django's bulk_create refuses
  the child model, so its local columns are inserted with the ids of the base rows, as Django's
  own save does table by table);
- what `Page.save` fills: url_path (parent's + slug), draft_title, locale, live with
  first/last_published_at, a translation_key shared by the product's pages in every locale;
- the "Created" entry of each page's history (PageLogEntry, as add_child logs it);
- the search index: one `add_bulk` per search backend instead of one entry per save.

Like the one-by-one path, no revision is written (the page is created live; an editor's first
edit makes the first revision) and the reference index is not touched (a new imported page
refers to nothing). Pages of products already imported (re-imports) keep the careful path.
"""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page, PageLogEntry
from wagtail.search.backends import get_search_backends

from secutix_integration.errors import BadProduct

BATCH = 500


class BulkPages:
    def __init__(self, importer):
        self.importer = importer
        self.model = importer.EventPage
        self.planned = []  # (facts, [(locale, parent, values, slug)])
        self.slugs = {}  # parent pk: slugs taken under it (existing and planned)
        self.parents = {}  # index_key: index_for's answer

    def _taken(self, parent):
        if parent.pk not in self.slugs:
            self.slugs[parent.pk] = set(
                Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
                .values_list("slug", flat=True)
                .iterator()
            )
        return self.slugs[parent.pk]

    def plan(self, facts, values_by_locale):
        """Checks a new product's pages (BadProduct: skipped, nothing planned); its counts."""
        entries = []
        for locale in self.importer.locales:
            key = self.model.index_key(locale, facts)
            if key not in self.parents:  # asked once per key (pages.AbstractEventPage)
                self.parents[key] = self.model.index_for(locale, facts)
            parent = self.parents[key]
            if parent is None:
                raise BadProduct(
                    f"no parent page in {locale.language_code} for its page (index_for)"
                )
            slug = self.importer.slug_for(facts, locale)  # translated per language
            if slug in self._taken(parent):
                raise BadProduct(
                    f"slug: The slug '{slug}' is already in use within the parent page at "
                    f"'{parent.url_path}'."
                )
            entries.append((locale, parent, values_by_locale[locale.pk], slug))
        for _locale, parent, _values, slug in entries:
            self._taken(parent).add(slug)
        self.planned.append((facts, entries))
        return {"created": len(entries)}

    def write(self):
        """Writes every planned page (in the caller's transaction); returns them."""
        if not self.planned:
            return []
        parents = {p.pk: p for _f, entries in self.planned for _l, p, _v, _s in entries}
        list(Page.objects.select_for_update().filter(pk__in=parents).values_list("pk"))
        last = {}
        for pk, parent in parents.items():
            path = (
                Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
                .order_by("-path")
                .values_list("path", flat=True)
                .first()
            )
            parent.url_path = Page.objects.values_list("url_path", flat=True).get(pk=pk)
            last[pk] = Page._str2int(path[-Page.steplen :]) if path else 0
        added = dict.fromkeys(parents, 0)
        content_type = ContentType.objects.get_for_model(self.model)
        max_length = Page._meta.get_field("path").max_length
        now = timezone.now()
        pages = []
        for _facts, entries in self.planned:
            translation_key = uuid.uuid4()  # the product's pages are each other's translations
            for locale, parent, values, slug in entries:
                added[parent.pk] += 1
                depth = parent.depth + 1
                path = Page._get_path(parent.path, depth, last[parent.pk] + added[parent.pk])
                if len(path) > max_length:
                    from treebeard.exceptions import PathOverflow  # noqa: PLC0415

                    raise PathOverflow(f"too many pages under {parent.url_path}")
                pages.append(
                    self.model(
                        **values,
                        slug=slug,
                        locale=locale,
                        translation_key=translation_key,
                        content_type=content_type,
                        path=path,
                        depth=depth,
                        numchild=0,
                        url_path=f"{parent.url_path}{slug}/",
                        draft_title=values["title"],
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=now,
                        last_published_at=now,
                    )
                )
        self._insert(pages)
        for pk, count in added.items():
            Page.objects.filter(pk=pk).update(numchild=F("numchild") + count)
        PageLogEntry.objects.bulk_create(
            (
                PageLogEntry(
                    content_type=content_type,
                    label=page.draft_title,
                    action="wagtail.create",
                    timestamp=now,
                    data={},
                    page_id=page.pk,
                    content_changed=True,
                )
                for page in pages
            ),
            batch_size=BATCH,
        )
        if getattr(self.model, "search_auto_update", True):
            for backend in get_search_backends(with_auto_update=True):
                for start in range(0, len(pages), BATCH):
                    backend.add_bulk(self.model, pages[start : start + BATCH])
        return pages

    def _insert(self, pages):
        """Page rows in bulk, then each table of the specific model with the same ids."""
        base_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
        rows = [
            Page(**{f.attname: getattr(page, f.attname) for f in base_fields}) for page in pages
        ]
        Page.objects.bulk_create(rows, batch_size=BATCH)
        chain = [m for m in reversed(self.model._meta.get_parent_list()) if m is not Page]
        for page, row in zip(pages, rows, strict=True):
            for model in [*chain, self.model]:  # every parent link holds the base row's id
                setattr(page, model._meta.pk.attname, row.pk)
            page.id = row.pk
            page._state.adding, page._state.db = False, connection.alias
        for model in [*chain, self.model]:
            fields = model._meta.local_concrete_fields
            for start in range(0, len(pages), BATCH):
                model._base_manager._insert(pages[start : start + BATCH], fields=fields)
