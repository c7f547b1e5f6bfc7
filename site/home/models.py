from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Locale, Page
from wagtail.search import index

from events.blocks import ThemeLinkBlock

SEARCH_PAGE_SIZE = 20


class HomePage(RoutablePageMixin, Page):
    """The website's home page, one per language (translations of each other); /search/.

    Editors compose it: a hero image, featured events (chosen, or else the next ones on sale)
    and entry points to the programme's themes (chosen, or else every theme)."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = RichTextField(_("body"), blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hero image"),
    )
    featured_events = StreamField(
        [("event", blocks.PageChooserBlock(page_type="events.EventPage", label=_("Event")))],
        blank=True,
        verbose_name=_("featured events"),
        help_text=_("Leave empty to show the next events on sale."),
    )
    featured_count = models.PositiveSmallIntegerField(
        _("number of events shown automatically"), default=4
    )
    theme_links = StreamField(
        [("theme", ThemeLinkBlock())],
        blank=True,
        verbose_name=_("themes"),
        help_text=_("Entry points to the programme; leave empty to list every theme."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        MultiFieldPanel(
            [FieldPanel("featured_events"), FieldPanel("featured_count")],
            heading=_("Featured events"),
        ),
        FieldPanel("theme_links"),
        FieldPanel("body"),
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def event_index(self):
        from events.models import EventIndexPage

        return EventIndexPage.objects.live().filter(locale_id=self.locale_id).first()

    def featured(self, index=None):
        """The events chosen by editors (in this page's language), else the next on sale."""
        from secutix_integration.pages import get_event_page_model

        EventPage = get_event_page_model()
        chosen = [block.value for block in self.featured_events if block.value]
        if chosen:
            pages = []
            for page in chosen:
                page = page.specific
                local = (
                    page.get_translation_or_none(self.locale)
                    if page.locale_id != self.locale_id
                    else page
                )
                if local is not None and local.live:
                    pages.append(local.specific)
            return pages
        if index is None:
            return []
        now = timezone.now()
        upcoming = (
            EventPage.objects.child_of(index)
            .live()
            .filter(state="RUNNING", sales_start__lte=now, last_performance__gt=now)
            .exclude(sales_end__lte=now)
            .select_related("teaser_image")
            .order_by("first_performance", "title")
        )
        return list(upcoming[: self.featured_count])

    def themes(self, index):
        if index is None:
            return []
        base = index.url
        known = {t["code"]: t for t in index.filter_choices()["themes"]}
        if self.theme_links:
            return [
                {
                    "name": block.value["label"]
                    or known.get(block.value["code"].upper(), {}).get("name", block.value["code"]),
                    "url": f"{base}theme/{block.value['code'].lower()}/",
                    "image": block.value["image"],
                }
                for block in self.theme_links
            ]
        return [
            {"name": t["name"], "url": f"{base}theme/{t['code'].lower()}/", "image": None}
            for t in known.values()
            if not t.get("parentCode")
        ]

    def get_context(self, request, *args, **kwargs):
        from secutix_integration.availability import get_availabilities
        from secutix_integration.display import availability_ids, event_display

        context = super().get_context(request, *args, **kwargs)
        index = self.event_index()
        featured = self.featured(index)
        products, performances = availability_ids(featured)
        availability = get_availabilities(products=products, performances=performances)
        for event in featured:  # the card says what the event's header says (C6)
            event.display = event_display(event, availability)
            event.status = event.display.status
        context.update(
            events_index=index,
            featured=featured,
            availability=availability,
            theme_tiles=self.themes(index),
        )
        return context

    @path("")
    def home(self, request):
        return self.render(request)

    @path("search/")
    def search(self, request):
        """Wagtail search across events and pages, in the visitor's language."""
        query = request.GET.get("q", "").strip()[:200]
        results = []
        if query:
            pages = Page.objects.live().public().filter(locale=Locale.get_active()).specific()
            results = list(pages.search(query)[:SEARCH_PAGE_SIZE])
        return self.render(
            request,
            template="home/search.html",
            context_overrides={"query": query, "results": results},
        )


class StaticPage(Page):
    """Terms of sale, security and privacy, help, contact: kept by marketing staff (L6)."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = StreamField(
        [
            ("heading", blocks.CharBlock(form_classname="title", label=_("Heading"))),
            ("text", blocks.RichTextBlock(label=_("Text"))),
            ("image", ImageChooserBlock(label=_("Image"))),
        ],
        blank=True,
        verbose_name=_("body"),
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    subpage_types = ["home.StaticPage"]

    class Meta:
        verbose_name = _("static page")
