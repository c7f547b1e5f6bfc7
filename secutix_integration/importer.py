"""The daily catalogue import (C4): the ticketshop's products become event pages.

Creates pages for new products, updates only the imported fields that changed, unpublishes pages
whose product left the catalogue, in every locale (one page tree per language, linked as
translations). An unchanged catalogue writes no page and no revision. A failed run changes no page.

Safe against hostile or broken answers: an answer with no product, or one that would unpublish
more than SECUTIX["IMPORT_MAX_UNPUBLISH_RATIO"] of the live event pages, is refused as suspicious
(recorded as failed, nothing changed; `force` accepts it); a product the pages cannot hold (a
code too long for its field or not usable as a slug, a name too long…) is skipped and reported
("done with warnings"), the others imported; one import runs at a time (import_lock: a lock
that dies with its holder).
"""

import contextlib
import datetime as dt
import gc
import logging
import traceback
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from wagtail.coreutils import get_content_languages
from wagtail.models import Locale
from wagtail.signal_handlers import disable_reference_index_auto_update

from secutix_integration import conf, soap_client
from secutix_integration.bulk import BulkPages
from secutix_integration.errors import BadProduct
from secutix_integration.import_lock import acquire_lock, release_lock
from secutix_integration.models import ImportRun
from secutix_integration.pages import get_event_page_model
from secutix_integration.soap_client import TicketshopError

logger = logging.getLogger(__name__)


class MalformedCatalogue(Exception):
    """The catalogue's answer lacks what every product must have."""


class SuspiciousCatalogue(Exception):
    """An answer that would empty the site: refused unless forced."""


def _items(value):
    """Lists in SOAP answers may come as None when empty."""
    return list(value or [])


def _texts(translated):
    """{locale: value} of SecuTix's translated text {"translations": [{locale, value}]}."""
    entries = (translated or {}).get("translations") if isinstance(translated, dict) else None
    return {t["locale"]: t["value"] or "" for t in _items(entries) if t and t.get("locale")}


def _in(texts, language, fallback):
    return texts.get(language) or texts.get(fallback) or next(iter(texts.values()), "")


def _utc(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        raise BadProduct(f"a date without time zone: {value}")
    return value.astimezone(dt.UTC)


def _money(thousandths):
    return (Decimal(int(thousandths)) / 1000).quantize(Decimal("0.01"))


def _product_label(product):
    """(id, code) of a product as far as they can be read, for the report of a skipped one."""
    if not isinstance(product, dict):
        return None, ""
    try:
        product_id = int(product.get("id"))
    except (TypeError, ValueError):
        product_id = None
    return product_id, str(product.get("code") or "")[:100]


def parse_catalogue(catalogue, currency="", skipped=None, highlight_season=False):
    """Plain facts per product from getCatalogDetailed's catalogData (SecuTix v1_33:
    seasons[].products[] with event.performances[]), checked. Languages are kept.
    `currency` and `highlight_season` come from getPOSConfig.

    With a `skipped` list, an unreadable product is reported there ({"id", "code", "reason"})
    and left out; without one, it fails the whole catalogue."""
    if not isinstance(catalogue, dict):
        raise MalformedCatalogue("no catalogue in the answer")
    products = []
    try:
        for season in _items(catalogue.get("seasons")):
            season_names = _texts(season.get("externalName"))
            for product in _items(season.get("products")):
                try:
                    facts = _product_facts(product, season, season_names, currency)
                    products.append({**facts, "season_highlighted": highlight_season})
                except (KeyError, TypeError, ValueError, AttributeError, BadProduct) as error:
                    if skipped is None:
                        raise
                    product_id, code = _product_label(product)
                    reason = str(error) if isinstance(error, BadProduct) else repr(error)
                    skipped.append({"id": product_id, "code": code, "reason": reason})
    except BadProduct as error:
        raise MalformedCatalogue(str(error)) from error
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise MalformedCatalogue(f"unreadable product: {error!r}") from error
    ids = [p["ticketshop_id"] for p in products]
    if len(ids) != len(set(ids)):
        raise MalformedCatalogue("the same product id appears twice")
    return products


def _performance_facts(performance):
    amounts = {}
    for price in _items(performance.get("prices")):
        amounts.setdefault(price.get("seatCatId"), []).append(_money(price["amount"]))
    categories = []
    for category in _items(performance.get("seatCategories")):
        found = amounts.get(category["id"], [])
        categories.append(
            {
                "id": category["id"],
                "code": category["code"],
                "names": _texts(category.get("externalName")),
                "minPrice": str(min(found)) if found else None,
                "maxPrice": str(max(found)) if found else None,
            }
        )
    duration = performance.get("duration")
    return {
        "id": performance["id"],
        "state": performance.get("state"),
        "start": _utc(performance["start"]).isoformat(),
        "durationMinutes": int(duration) // 60 if duration is not None else None,
        "venue": _texts((performance.get("site") or {}).get("externalName")),
        "hall": _texts((performance.get("space") or {}).get("externalName")),
        "seatCategories": categories,
    }, [a for values in amounts.values() for a in values]


def _product_facts(product, season, season_names, currency):
    if not product.get("id") or not product.get("code"):
        raise BadProduct("a product without id or code")
    themes = _items(product.get("themes"))
    codes_by_id = {t["id"]: t["code"] for t in themes}
    performances, prices = [], []
    for performance in _items((product.get("event") or {}).get("performances")):
        facts, amounts = _performance_facts(performance)
        performances.append(facts)
        prices += amounts
    prices += [_money(p["amount"]) for p in _items(product.get("prices"))]
    periods = _items(product.get("salesPeriods"))
    starts = [p["start"] for p in performances]
    return {
        "ticketshop_id": int(product["id"]),
        "product_code": product["code"],
        "family": product.get("productFamilyType") or "",
        "state": product.get("state") or "",
        "season_code": season.get("code") or "",
        "season_names": season_names,
        "names": _texts(product.get("externalName")) or {"en": product["code"]},
        "descriptions": _texts(product.get("externalDescription")),
        "themes": [
            {
                "code": t["code"],
                "names": _texts(t.get("externalName")),
                "parentCode": codes_by_id.get(t.get("parentId")),
            }
            for t in themes
        ],
        "performances": sorted(performances, key=lambda p: p["start"]),
        "first_performance": _utc(min(starts)) if starts else None,
        "last_performance": _utc(max(starts)) if starts else None,
        "price_min": min(prices) if prices else None,
        "price_max": max(prices) if prices else None,
        "currency": currency,
        "sales_start": min((_utc(p["start"]) for p in periods), default=None),
        "sales_end": max((_utc(p["end"]) for p in periods), default=None),
    }


def page_values(facts, language, fallback):
    """The imported fields of a product's page in one language."""

    def localise(texts):
        return _in(texts, language, fallback)

    themes = [
        {
            "code": t["code"],
            "name": localise(t["names"]) or t["code"],
            "parentCode": t["parentCode"],
        }
        for t in facts["themes"]
    ]
    performances = [
        {
            "id": p["id"],
            "state": p["state"],
            "start": p["start"],
            "durationMinutes": p["durationMinutes"],
            "venue": localise(p["venue"]),
            "hall": localise(p["hall"]),
            "seatCategories": [
                {
                    "id": c["id"],
                    "code": c["code"],
                    "name": localise(c["names"]) or c["code"],
                    "minPrice": c["minPrice"],
                    "maxPrice": c["maxPrice"],
                }
                for c in p["seatCategories"]
            ],
        }
        for p in facts["performances"]
    ]
    venues = sorted({p["venue"] for p in performances if p["venue"]})
    return {
        "title": localise(facts["names"]),
        "ticketshop_id": facts["ticketshop_id"],
        "product_code": facts["product_code"],
        "family": facts["family"],
        "state": facts["state"],
        "season_code": facts["season_code"],
        "season_name": localise(facts["season_names"]),
        "season_highlighted": facts.get("season_highlighted", False),
        "imported_description": localise(facts["descriptions"]),
        "theme_codes": "," + ",".join(t["code"] for t in themes) + "," if themes else "",
        "themes": themes,
        "performances": performances,
        "first_performance": facts["first_performance"],
        "last_performance": facts["last_performance"],
        "venue_names": ", ".join(venues),
        "price_min": facts["price_min"],
        "price_max": facts["price_max"],
        "currency": facts["currency"],
        "sales_start": facts["sales_start"],
        "sales_end": facts["sales_end"],
        "withdrawn_by_import": False,
    }


def _changed(page, values):
    return {name: value for name, value in values.items() if getattr(page, name) != value}


def _reason(error):
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
        return " ".join(error.messages)
    return str(error) or repr(error)


class Importer:
    def __init__(self, progress=None, force=False, skipped=None):
        self.progress = progress or (lambda done, total: None)
        self.force = force
        self.skipped = skipped if skipped is not None else []
        self.counts = {"created": 0, "updated": 0, "unpublished": 0, "unchanged": 0}
        self.EventPage = get_event_page_model()
        languages = list(get_content_languages())
        self.locales = sorted(
            Locale.objects.filter(language_code__in=languages),
            key=lambda locale: languages.index(locale.language_code),
        )
        self.fallback = settings.LANGUAGE_CODE

    def check_values(self, facts, values, locale=None):
        """BadProduct when a page cannot hold the product's facts (checked before any write,
        with the page model's own fields)."""
        problems = []
        try:
            validate_unicode_slug(self.slug_for(facts, locale))
        except ValidationError as error:
            problems.append(
                f"code {facts['product_code']!r} cannot be a page slug: {_reason(error)}"
            )
        for name, value in values.items():
            field = self.EventPage._meta.get_field(name)
            try:
                field.clean(value, None)
            except ValidationError as error:
                problems.append(f"{name}: {_reason(error)}")
        if problems:
            raise BadProduct("; ".join(dict.fromkeys(problems)))

    def slug_for(self, facts, locale=None):
        """The page's slug in `locale`: the page model's hook (pages.AbstractEventPage)."""
        return self.EventPage.slug_for(facts, locale)

    def _refuse_mass_unpublish(self, pages, present):
        live = [page for page in pages.values() if page.live]
        leaving = [page for page in live if page.ticketshop_id not in present]
        ratio = float(conf.get("IMPORT_MAX_UNPUBLISH_RATIO"))
        if live and len(leaving) > ratio * len(live) and not self.force:
            raise SuspiciousCatalogue(
                f"refused as suspicious: this answer would unpublish {len(leaving)} of the "
                f"{len(live)} live event pages, more than {ratio:.0%} "
                "(SECUTIX IMPORT_MAX_UNPUBLISH_RATIO); nothing was changed. Run the import with "
                "--force (or 'even if…' in the admin) to accept it."
            )

    def apply(self, products):
        pages = {
            (page.ticketshop_id, page.locale_id): page
            for page in self.EventPage.objects.select_related("locale")
        }
        # Skipped products are still in the catalogue: their pages stay as they are.
        present = {facts["ticketshop_id"] for facts in products} | {
            s["id"] for s in self.skipped if s.get("id") is not None
        }
        self._refuse_mass_unpublish(pages, present)
        bulk = BulkPages(self)
        for done, facts in enumerate(products, start=1):
            try:
                values_by_locale = self._prepare(facts, pages)
                if values_by_locale is None:  # nothing to write: no savepoint either
                    counts = {"unchanged": len(self.locales)}
                elif not any((facts["ticketshop_id"], lc.pk) in pages for lc in self.locales):
                    # a new product: its pages are written with the others' in bulk, below
                    counts = bulk.plan(facts, values_by_locale)
                else:
                    with transaction.atomic():  # a savepoint: a bad product leaves no trace
                        counts = self._import_product(facts, pages, values_by_locale)
            except (BadProduct, ValidationError, IntegrityError, DatabaseError) as error:
                logger.warning("Product %s skipped: %s", facts["product_code"], error)
                self.skipped.append(
                    {
                        "id": facts["ticketshop_id"],
                        "code": str(facts["product_code"])[:100],
                        "reason": _reason(error),
                    }
                )
            else:
                for name, value in counts.items():
                    self.counts[name] += value
            self.progress(done, len(products))
        bulk.write()
        for (ticketshop_id, _locale), page in pages.items():
            if ticketshop_id not in present and page.live:
                page.withdrawn_by_import = True
                page.save(update_fields=["withdrawn_by_import"])
                page.unpublish(log_action="wagtail.unpublish")
                self.counts["unpublished"] += 1
        return self.counts

    def _prepare(self, facts, pages):
        """{locale pk: imported values} of a product's pages, checked (BadProduct when a page
        cannot hold them); None when no page needs writing."""
        values_by_locale, write = {}, False
        for locale in self.locales:
            values = page_values(facts, locale.language_code, self.fallback)
            self.check_values(facts, values, locale)
            values_by_locale[locale.pk] = values
            page = pages.get((facts["ticketshop_id"], locale.pk))
            write = write or (
                page is None
                or (page.withdrawn_by_import and not page.live)
                or bool(_changed(page, values))
            )
        return values_by_locale if write else None

    def _import_product(self, facts, pages, values_by_locale=None):
        """Writes one product's pages; returns its counts."""
        if values_by_locale is None:
            values_by_locale = self._prepare(facts, pages) or {
                locale.pk: page_values(facts, locale.language_code, self.fallback)
                for locale in self.locales
            }
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        translation_key = next(
            (
                pages[(facts["ticketshop_id"], locale.pk)].translation_key
                for locale in self.locales
                if (facts["ticketshop_id"], locale.pk) in pages
            ),
            None,
        )
        for locale in self.locales:
            values = values_by_locale[locale.pk]
            page = pages.get((facts["ticketshop_id"], locale.pk))
            if page is None:
                page = self._create(facts, locale, values, translation_key)
                if page is not None:
                    translation_key = page.translation_key
                    counts["created"] += 1
                continue
            changes = _changed(page, values)
            if not changes and not (page.withdrawn_by_import and not page.live):
                counts["unchanged"] += 1
                continue
            self._update(page, values, changes)
            counts["updated"] += 1
        return counts

    def _create(self, facts, locale, values, translation_key):
        index = self.EventPage.index_for(locale, facts)
        if index is None:
            raise BadProduct(f"no parent page in {locale.language_code} for its page (index_for)")
        now = timezone.now()
        # Created live in one save: no revision yet (an editor's first edit makes one); a
        # revision per imported page would triple the cost of a first import.
        page = self.EventPage(
            **values,
            slug=self.slug_for(facts, locale),
            locale=locale,
            live=True,
            first_published_at=now,
            last_published_at=now,
        )
        if translation_key:
            page.translation_key = translation_key
        with disable_reference_index_auto_update():  # a new page refers to nothing yet
            index.add_child(instance=page)
        return page

    def _update(self, page, values, changes):
        republish = page.withdrawn_by_import and not page.live
        if republish or (page.live and not page.has_unpublished_changes):
            for name, value in values.items():
                setattr(page, name, value)
            page.save_revision().publish()
            return
        # An editor's draft is pending, or an editor unpublished the page: keep their choice,
        # put the new facts in the draft, and in the page's row so they show at once.
        draft = page.get_latest_revision_as_object()
        for name, value in values.items():
            setattr(draft, name, value)
        draft.save_revision(log_action=False)
        self.EventPage.objects.filter(pk=page.pk).update(**changes)


def _skipped_log(skipped):
    return "\n".join(
        f"{s['code'] or '?'} (id {s['id'] if s['id'] is not None else '?'}): {s['reason']}"
        for s in skipped
    )


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off while the catalogue is read and compared (P1).

    A catalogue of 10 000 performances makes about a million short-lived dicts and lists, none
    of them in a cycle (freed as soon as unused); the collector still walked them hundreds of
    times (measured: 27 % of an import's time). Restored as it was, whatever happens."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_import(trigger=ImportRun.Trigger.COMMAND, force=False, progress=None):
    """Import the catalogue once; returns the ImportRun that records what happened.

    `force`: import even if the catalogue has not changed, and accept an answer refused as
    suspicious (no product, or too many pages to unpublish)."""
    run = ImportRun.objects.create(trigger=trigger)
    if not acquire_lock(run.pk):
        run.status, run.errors = ImportRun.Status.FAILED, 1
        run.error_log = "Another import is running: this one did not start (nothing changed)."
        run.finished_at = timezone.now()
        run.save()
        return run
    try:
        with _collector_paused():
            _run(run, force, progress)
    finally:
        release_lock(run.pk)
    return run


def _run(run, force, progress):
    try:
        setup_update = soap_client.last_setup_update()
        previous = (
            ImportRun.objects.filter(
                status__in=[
                    ImportRun.Status.SUCCESS,
                    ImportRun.Status.WARNINGS,
                    ImportRun.Status.UNCHANGED,
                ]
            )
            .exclude(pk=run.pk)
            .first()
        )
        run.setup_update = setup_update
        if not force and previous and setup_update and previous.setup_update == setup_update:
            run.status = ImportRun.Status.UNCHANGED
        else:
            config = soap_client.pos_config()
            skipped = []
            products = parse_catalogue(
                soap_client.catalogue_detailed(),
                currency=config.get("currencyCode") or "",
                skipped=skipped,
                # ours, optional: a SecuTix that does not send it highlights nothing
                highlight_season=config.get("highlightSeason") is True,
            )
            if not products and not force:
                detail = f"\n{_skipped_log(skipped)}" if skipped else ""
                raise SuspiciousCatalogue(
                    "refused as suspicious: the answer has no season or no readable product; "
                    "nothing was changed (run with --force to accept it)." + detail
                )
            with transaction.atomic():
                counts = Importer(progress, force=force, skipped=skipped).apply(products)
            for name, value in counts.items():
                setattr(run, name, value)
            run.skipped = skipped
            if skipped:
                run.status, run.errors = ImportRun.Status.WARNINGS, len(skipped)
                run.error_log = "Skipped products:\n" + _skipped_log(skipped)
            else:
                run.status = ImportRun.Status.SUCCESS
    except (TicketshopError, MalformedCatalogue, SuspiciousCatalogue) as error:
        logger.error("Catalogue import failed: %s", error)
        run.status, run.errors, run.error_log = ImportRun.Status.FAILED, 1, str(error)
    except Exception as error:  # noqa: BLE001 — the run must be recorded whatever happened
        logger.exception("Catalogue import crashed")
        run.status, run.errors = ImportRun.Status.FAILED, 1
        run.error_log = f"{error!r}\n{traceback.format_exc()}"
    run.finished_at = timezone.now()
    run.save()
