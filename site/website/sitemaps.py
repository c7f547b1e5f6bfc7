"""One sitemap of every language's pages, each with its translations as alternates (W6).

Wagtail's own sitemap lists the default site's tree only (the English one here); the
translations are sibling trees, so this one lists them all."""

from django.contrib.sitemaps import Sitemap
from wagtail.models import Page


class PagesSitemap(Sitemap):
    def __init__(self, request):
        self.request = request

    def items(self):
        if getattr(self, "_cached", None) is None:
            self._cached = self._pages()
        return self._cached

    def _pages(self):
        return list(
            Page.objects.live()
            .public()
            .filter(depth__gt=1)
            .select_related("locale")
            .order_by("path")
            .defer_streamfields()
        )

    def _urls(self, page, protocol, domain):
        pages = self.paginator.page(page).object_list
        by_key = {}
        for item in self.items():
            by_key.setdefault(item.translation_key, []).append(item)
        urls = []
        for item in pages:
            location = self.request.build_absolute_uri(item.get_url(self.request))
            alternates = [
                {
                    "lang_code": other.locale.language_code,
                    "location": self.request.build_absolute_uri(other.get_url(self.request)),
                }
                for other in by_key.get(item.translation_key, [])
            ]
            urls.append(
                {
                    "item": item,
                    "location": location,
                    "lastmod": item.last_published_at or item.latest_revision_created_at,
                    "changefreq": None,
                    "priority": None,
                    "alternates": alternates if len(alternates) > 1 else [],
                }
            )
        return urls
