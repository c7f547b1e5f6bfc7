from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Locale, Page
from wagtail.search import index

SEARCH_PAGE_SIZE = 20


class HomePage(RoutablePageMixin, Page):
    """The website's home page, one per language (translations of each other); /search/."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

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
