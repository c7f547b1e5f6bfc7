"""The event page the importer fills (C4): imported fields, read-only in the editor.

A site makes it concrete with its editors' own fields and names it in
`SECUTIX["EVENT_PAGE_MODEL"]` ("app_label.ModelName"), the way Wagtail's image model is swapped.
"""

import datetime as dt
import re

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

from secutix_integration import conf
from secutix_integration.display import event_display, performance_display

ON_SALE_STATES = ("RUNNING",)


def get_event_page_model_string():
    return conf.get("EVENT_PAGE_MODEL")


def get_event_page_model():
    return apps.get_model(get_event_page_model_string(), require_ready=False)


SLUG_MAX_LENGTH = 80


def translated_slug(product, language=None):
    """See AbstractEventPage.slug_for. Apostrophes and colons separate words ("l'importance"
    → "l-importance"); accents are dropped (ASCII slugs travel safely in every link)."""
    code = str(product["product_code"]).lower()
    names = product.get("names") or {}
    if not language or language == settings.LANGUAGE_CODE or not names:
        return code  # the default language keeps the code: the addresses every link knows
    name = names.get(language) or names.get(settings.LANGUAGE_CODE) or ""
    words = slugify(re.sub(r"[\u2019':]", " ", str(name)))
    if not words or words == code:
        return code
    return f"{words[: SLUG_MAX_LENGTH - len(code) - 1].rstrip('-')}-{code}"


def ro(name):
    return FieldPanel(name, read_only=True)


class AbstractEventPage(Page):
    """A product of the ticketshop, as a page. The importer writes only the fields of
    importer.page_values."""

    ticketshop_id = models.BigIntegerField(_("ticketshop id"), db_index=True, editable=False)
    product_code = models.CharField(_("product code"), max_length=8)
    family = models.CharField(_("family"), max_length=30)
    state = models.CharField(_("state in the ticketshop"), max_length=20)
    season_code = models.CharField(_("season code"), max_length=20, blank=True)
    season_name = models.CharField(_("season"), max_length=200, blank=True)
    season_highlighted = models.BooleanField(
        _("season highlighted"),
        default=False,
        help_text=_("The ticketshop's point of sales highlights the season: cards show it."),
    )
    imported_description = models.TextField(_("description from the ticketshop"), blank=True)
    theme_codes = models.CharField(
        _("themes and sub-themes"),
        max_length=500,
        blank=True,
        help_text=_("Codes of the product's themes, separated by commas."),
    )
    themes = models.JSONField(_("themes"), default=list, blank=True)
    performances = models.JSONField(_("performances"), default=list, blank=True)
    first_performance = models.DateTimeField(_("first performance"), null=True, blank=True)
    last_performance = models.DateTimeField(_("last performance"), null=True, blank=True)
    venue_names = models.CharField(_("venues"), max_length=500, blank=True)
    price_min = models.DecimalField(
        _("lowest price"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    price_max = models.DecimalField(
        _("highest price"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    sales_start = models.DateTimeField(_("sales open"), null=True, blank=True)
    sales_end = models.DateTimeField(_("sales close"), null=True, blank=True)
    withdrawn_by_import = models.BooleanField(
        _("unpublished by the import"),
        default=False,
        help_text=_("The product left the catalogue; the page comes back if the product does."),
    )

    imported_panels = [
        MultiFieldPanel(
            [
                ro("product_code"),
                ro("family"),
                ro("state"),
                ro("season_name"),
                ro("season_highlighted"),
                ro("imported_description"),
                ro("theme_codes"),
                ro("venue_names"),
                ro("first_performance"),
                ro("last_performance"),
                ro("price_min"),
                ro("price_max"),
                ro("currency"),
                ro("sales_start"),
                ro("sales_end"),
                ro("performances"),
            ],
            heading=_("From the ticketshop (imported daily, read-only)"),
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("imported_description"),
        index.SearchField("product_code"),
        index.SearchField("venue_names"),
        index.FilterField("theme_codes"),
        index.FilterField("season_code"),
        index.FilterField("first_performance"),
    ]

    class Meta:
        abstract = True

    # --- Hooks the importer calls: override them in the concrete page model ---------------------

    @classmethod
    def index_for(cls, locale, product):
        """The parent page of a new product's page in `locale` (a Locale), or None (the product
        is then skipped and reported). `product` holds the imported facts (product_code,
        season_code, themes, family…). Default: the shallowest page of that locale under which
        this page type may be created."""
        candidates = Page.objects.filter(locale=locale, depth__in=(2, 3)).order_by("depth", "path")
        for parent in candidates.specific():
            if cls.can_create_at(parent):
                return parent
        return None

    @classmethod
    def index_key(cls, locale, product):
        """What `index_for`'s answer depends on, for a first import to ask it once per key
        instead of once per page (P1: one query per page was an N+1). Override it with your
        `index_for`: e.g. `locale.pk` when the parent depends on the locale only, or
        `(locale.pk, product["season_code"])`. Default: the locale and the product (asked for
        every product, always right)."""
        return (locale.pk, product["ticketshop_id"])

    @classmethod
    def slug_for(cls, product, locale=None):
        """The slug of a new product's page in `locale` (a Locale or a language code). In the
        default language (and without a locale): the product code in lower case. In the others
        (W5, issue 12): its name in that language, then its code — "le-misanthrope-misanth",
        or the code alone when the name says just that ("hamlet") —, unique as codes are, so a
        product of another season with the same name never collides. A product whose code gives
        no valid slug is skipped, reported. The ticketshop's links by code
        (/<lang>/events/<code>/) are sent on by the website (301, website/legacy_slugs.py)."""
        return translated_slug(product, getattr(locale, "language_code", locale))

    def sale_status(self, now=None):
        """The event's status from the imported facts only (no availability asked)."""
        return event_display(self, None, now).status

    def booking_status(self, availability=None, performance=None, now=None):
        """C6: 'on_sale' when Book may be shown, else why not ('full', 'not_yet', 'ended',
        'cancelled', 'unavailable'), for the event or one of its imported performances:
        secutix_integration.display decides (the one rule)."""
        if performance is not None:
            return performance_display(self, performance, availability, now).status
        return event_display(self, availability, now).status

    def upcoming_performances(self, now=None):
        """Imported performances not started yet (starts are stored as ISO strings in UTC)."""
        cutoff = (now or timezone.now()).astimezone(dt.UTC).isoformat()
        return [p for p in self.performances if (p.get("start") or "") >= cutoff]
