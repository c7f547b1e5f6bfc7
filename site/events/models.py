"""The website's event pages: the imported product plus what editors add (C4, C6)."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.utils import translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from events import calendar
from events.blocks import EventBodyBlock, GalleryBlock
from events.panels import ImportedFactsPanel
from events.structured_data import json_ld_script, performance_json_ld
from secutix_integration import conf
from secutix_integration.availability import get_availabilities
from secutix_integration.display import availability_ids, event_display, performance_display
from secutix_integration.pages import AbstractEventPage, get_event_page_model

__all__ = ["EventIndexPage", "EventPage", "GalleryBlock"]

EVENTS_PER_PAGE = 12  # settings.EVENTS_PER_PAGE overrides it


class EventIndexPage(RoutablePageMixin, Page):
    """Lists events, filtered by theme, season and dates; /theme/<code>/ is a theme's page."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["events.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("event index")

    def events(self, request, theme=None):
        EventPage = get_event_page_model()
        events = (
            EventPage.objects.child_of(self)
            .live()
            .select_related("teaser_image")
            .prefetch_related("teaser_image__renditions")
            .order_by("first_performance", "title")
        )
        theme = theme or request.GET.get("theme")
        if theme:
            events = events.filter(theme_codes__icontains=f",{theme.upper()},")
        season = request.GET.get("season")
        if season:
            events = events.filter(season_code=season)
        start, end = (
            parse_date(request.GET.get("from") or ""),
            parse_date(request.GET.get("to") or ""),
        )
        if start:
            events = events.filter(last_performance__date__gte=start)
        if end:
            events = events.filter(first_performance__date__lte=end)
        return events

    def filter_choices(self):
        EventPage = get_event_page_model()
        live = EventPage.objects.child_of(self).live()
        themes, seasons = {}, {}
        for page_themes, season_code, season_name in live.values_list(
            "themes", "season_code", "season_name"
        ):
            for theme in page_themes or []:
                themes[theme["code"]] = theme
            if season_code:
                seasons[season_code] = season_name
        return {
            "themes": sorted(
                themes.values(), key=lambda t: (t.get("parentCode") or t["code"], t["code"])
            ),
            "seasons": sorted(seasons.items()),
        }

    def get_context(self, request, *args, theme=None, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        per_page = getattr(settings, "EVENTS_PER_PAGE", None) or EVENTS_PER_PAGE
        paginator = Paginator(self.events(request, theme=theme and theme["code"]), per_page)
        page_of_events = paginator.get_page(request.GET.get("page"))
        events = list(page_of_events.object_list)
        products, performances = availability_ids(events)
        availability = get_availabilities(products=products, performances=performances)
        for event in events:  # the card says what the event's header says (C6, the one rule)
            event.display = event_display(event, availability)
            event.status = event.display.status
        query = request.GET.copy()
        query.pop("page", None)
        context["events"] = events
        context["page_of_events"] = page_of_events
        context["page_range"] = paginator.get_elided_page_range(page_of_events.number)
        context["query_without_page"] = query.urlencode()
        context["theme"] = theme
        context["filters"] = self.filter_choices()
        context["selected"] = {k: request.GET.get(k, "") for k in ("theme", "season", "from", "to")}
        context["availability"] = availability
        return context

    def _theme(self, code):
        themes = {t["code"]: t for t in self.filter_choices()["themes"]}
        if code.upper() not in themes:
            raise Http404(_("Unknown theme"))
        return themes[code.upper()]

    @path("")
    def index(self, request):
        return self.render(request)

    @path("theme/<str:code>/")
    def theme(self, request, code):
        theme = self._theme(code)
        return self.render(request, theme=theme, template="events/theme_page.html")

    @path("theme/<str:code>/calendar/")
    def theme_calendar(self, request, code):
        """A calendar feed a visitor subscribes to: every upcoming performance of a theme."""
        theme = self._theme(code)
        items = []
        for event in self.events(request, theme=theme["code"]):
            url = request.build_absolute_uri(event.get_url(request))
            items.extend((event, p, url) for p in event.upcoming_performances())
        cal = calendar.calendar(f"The CUBE — {theme['name']}", items)
        return calendar.ics_response(cal, f"the-cube-{code.lower()}.ics")


class EventPage(RoutablePageMixin, AbstractEventPage):
    body = StreamField(EventBodyBlock(), blank=True, verbose_name=_("long description"))
    teaser_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("teaser image"),
    )
    related_pages = StreamField(
        [("page", blocks.PageChooserBlock(label=_("Page")))],
        blank=True,
        verbose_name=_("related pages"),
    )

    content_panels = [
        FieldPanel("title", read_only=True),
        FieldPanel("teaser_image"),
        FieldPanel("body"),
        FieldPanel("related_pages"),
        MultiFieldPanel(
            [
                FieldPanel(name, read_only=True)
                for name in (
                    "product_code",
                    "family",
                    "state",
                    "season_name",
                    "imported_description",
                    "venue_names",
                    "first_performance",
                    "last_performance",
                    "price_min",
                    "price_max",
                    "currency",
                    "sales_start",
                    "sales_end",
                )
            ]
            + [
                ImportedFactsPanel(template="events/admin/themes_panel.html", heading=_("Themes")),
                ImportedFactsPanel(
                    template="events/admin/performances_panel.html", heading=_("Performances")
                ),
            ],
            heading=_("From the ticketshop (imported daily, read-only)"),
        ),
    ]
    search_fields = AbstractEventPage.search_fields + [index.SearchField("body")]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event page")

    def performance_rows(self, performances, availability):
        """What each performance shows (secutix_integration.display, the one rule) and its
        Book URL."""
        language = translation.get_language()
        rows = []
        for performance in performances:
            display = performance_display(self, performance, availability)
            rows.append(
                {
                    "performance": performance,
                    "display": display,
                    "status": display.status,
                    "book_url": conf.redirect_url(
                        "product/performance", id=performance["id"], lang=language
                    )
                    if display.bookable
                    else None,
                }
            )
        return rows

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        performances = self.upcoming_performances()
        products, performance_ids = availability_ids([self])
        availability = get_availabilities(products=products, performances=performance_ids)
        rows = self.performance_rows(performances, availability)
        display = event_display(self, availability)
        page_url = request.build_absolute_uri(self.get_url(request))
        image_url = None
        if self.teaser_image_id:
            image_url = request.build_absolute_uri(
                self.teaser_image.get_rendition("fill-1200x630").url
            )
        context["performances"] = performances
        context["rows"] = rows
        context["availability"] = availability
        context["display"] = display
        context["status"] = display.status
        context["og_image_url"] = image_url
        context["json_ld"] = [  # rows are upcoming performances: sales ended is Discontinued
            json_ld_script(performance_json_ld(self, row, page_url, image_url)) for row in rows
        ]
        return context

    @path("")
    def event(self, request):
        return self.render(request)

    @path("calendar/<int:performance_id>/")
    def performance_calendar(self, request, performance_id):
        """An "add to calendar" file of one performance (UID: the ticketshop's id, UTC)."""
        for performance in self.performances:
            if int(performance["id"]) == performance_id:
                cal = calendar.calendar(
                    self.title,
                    [(self, performance, request.build_absolute_uri(self.get_url(request)))],
                )
                return calendar.ics_response(cal, f"{self.slug}-{performance_id}.ics")
        raise Http404(_("Unknown performance"))

    @classmethod
    def index_for(cls, locale, product):
        """Where the importer puts a new product's page in `locale`."""
        return EventIndexPage.objects.filter(locale=locale).first()

    @classmethod
    def index_key(cls, locale, product):
        """index_for depends on the locale only: asked once per language by a first import."""
        return locale.pk
