"""The website's event pages: the imported product plus what editors add (C4, C6)."""

from django.db import models
from django.http import Http404
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page
from wagtail.search import index

from secutix_integration.availability import get_availabilities
from secutix_integration.pages import AbstractEventPage, get_event_page_model


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, label=_("Title"))
    images = blocks.ListBlock(ImageChooserBlock(), label=_("Images"))

    class Meta:
        icon = "image"
        label = _("Gallery")
        template = "events/blocks/gallery.html"


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
        events = list(self.events(request, theme=theme and theme["code"]))
        context["events"] = events
        context["theme"] = theme
        context["filters"] = self.filter_choices()
        context["selected"] = {k: request.GET.get(k, "") for k in ("theme", "season", "from", "to")}
        context["availability"] = get_availabilities(products=[e.ticketshop_id for e in events])
        return context

    @path("")
    def index(self, request):
        return self.render(request)

    @path("theme/<str:code>/")
    def theme(self, request, code):
        themes = {t["code"]: t for t in self.filter_choices()["themes"]}
        if code.upper() not in themes:
            raise Http404(_("Unknown theme"))
        return self.render(request, theme=themes[code.upper()], template="events/theme_page.html")


class EventPage(AbstractEventPage):
    body = StreamField(
        [
            ("text", blocks.RichTextBlock(label=_("Text"))),
            ("image", ImageChooserBlock(label=_("Image"))),
            (
                "video",
                EmbedBlock(label=_("Video"), help_text=_("A link to a video (YouTube, Vimeo…).")),
            ),
            ("gallery", GalleryBlock()),
        ],
        blank=True,
        verbose_name=_("long description"),
    )
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
        *AbstractEventPage.imported_panels,
    ]
    search_fields = AbstractEventPage.search_fields + [index.SearchField("body")]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("event page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["performances"] = self.upcoming_performances()
        context["availability"] = get_availabilities(
            products=[self.ticketshop_id],
            performances=[p["id"] for p in context["performances"]],
        )
        return context

    @classmethod
    def index_for(cls, locale, product):
        """Where the importer puts a new product's page in `locale`."""
        return EventIndexPage.objects.filter(locale=locale).first()
