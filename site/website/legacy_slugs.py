"""The old addresses of pages whose slugs are now in their language (W5, L6, issue 12): 301.

Before issue 12 every language used the English slugs (/fr/terms-of-sale/) and event pages
were named by their product code (/fr/events/misanth/); the point of sales' links (its
`product_detail_url`, its links to the terms and help pages), bookmarks and search engines
know those. On a 404 under a language prefix, this middleware looks for the page they meant:

- an event page: the last segment is a product code (the ticketshop's links, L6) — the live
  event page of that code in the address's language;
- any other page: the page at the same address in English (the old slugs were English) —
  its translation in the address's language;

and answers 301 to its address (query string kept). Nothing found: the 404 stays.
"""

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from wagtail.models import Locale, Site

from secutix_integration.pages import get_event_page_model

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _event_by_code(locale, code):
    if not code or len(code) > 8:  # product codes are at most 8 characters
        return None
    pages = get_event_page_model().objects.live().filter(locale=locale)
    return pages.filter(product_code__iexact=code).order_by("-first_published_at").first()


def _translation_of_english(request, locale, segments):
    site = Site.find_for_request(request)
    if site is None:
        return None
    root = site.root_page.specific
    english = Locale.objects.filter(language_code="en").first()
    if english is not None and root.locale_id != english.pk:
        root = root.get_translation_or_none(english) or root
    try:
        page = root.specific.route(request, segments).page
    except Http404:
        return None
    # the whole address must be that page's (not a sub-route of it, e.g. a theme or calendar
    # view below an index or an event: those 404s stay 404s)
    if page.url_path.rstrip("/").split("/")[-len(segments) :] != segments:
        return None
    return page.get_translation_or_none(locale)


def legacy_target(request):
    """The address the old one meant, or None."""
    parts = [part for part in request.path_info.split("/") if part]
    if len(parts) < 2 or parts[0] not in LANGUAGES:
        return None
    locale = Locale.objects.filter(language_code=parts[0]).first()
    if locale is None:
        return None
    segments = parts[1:]
    page = _event_by_code(locale, segments[-1])
    if page is None and parts[0] != "en":
        page = _translation_of_english(request, locale, segments)
    if page is None or not page.live:
        return None
    url = page.get_url(request)
    if not url or url == request.path:
        return None
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


class LegacySlugRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            target = legacy_target(request)
            if target:
                return HttpResponsePermanentRedirect(target)
        return response
