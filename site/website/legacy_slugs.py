"""The old addresses of pages whose slugs are now in their language (W5, L6, issue 12): 301.

Before issue 12 every language used the English slugs (/fr/terms-of-sale/) and event pages
were named by their product code (/fr/events/misanth/); the point of sales' links (its
`product_detail_url`, its links to the terms and help pages), bookmarks and search engines
know those. On a 404 under a language prefix, this middleware looks for the page they meant:

- an event page: the last segment is a product code (the ticketshop's links, L6) — the live
  event page of that code in the address's language;
- any address that meets an old slug on its way (the events index's `events`, an event
  page's product code, a static page's English slug, before or after the index's own): segment
  by segment, the translation of the English page with that slug — /fr/events/misanth/ and
  /fr/events/le-misanthrope-misanth/ both lead to /fr/a-l-affiche/le-misanthrope-misanth/, and
  /fr/events/theme/music/ to /fr/a-l-affiche/theme/music/ (a sub-route of the page reached);

and answers 301 to its address (query string kept). Nothing found: the 404 stays.

It runs before Wagtail's redirects (inside them in MIDDLEWARE): those that Wagtail records by
itself when a slug changes (automatically_created, as the slugs' data migration records the old
addresses too, events/migrations/0005) answer without the query string. An editor's own redirect
for the address still wins (`_editors_redirect`).
"""

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Locale, Site

from secutix_integration.pages import get_event_page_model

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _event_by_code(locale, code):
    if not code or len(code) > 8:  # product codes are at most 8 characters
        return None
    pages = get_event_page_model().objects.live().filter(locale=locale)
    return pages.filter(product_code__iexact=code).order_by("-first_published_at").first()


def _english_child(english, segment):
    if english is None:
        return None
    return english.get_children().filter(slug=segment).first()


def _walk(request, locale, segments):
    """The page of `locale` an old address meant, and the URL it has now, or None.

    Segment by segment from the language's home: a child with that slug, else the translation
    of the English page's child with that slug (the old slugs were the English ones: the events
    index's `events`, an event page's product code). A rest that is not a page is kept only when
    it is a sub-route of the page reached (a theme of the events index); it must have met at
    least one old slug, else the 404 is a real one."""
    site = Site.find_for_request(request)
    english_locale = Locale.objects.filter(language_code="en").first()
    if site is None or english_locale is None:
        return None
    root = site.root_page
    english = (
        root
        if root.locale_id == english_locale.pk
        else root.get_translation_or_none(english_locale)
    )
    page = root if root.locale_id == locale.pk else root.get_translation_or_none(locale)
    if page is None:
        return None
    renamed, rest = False, []
    for position, segment in enumerate(segments):
        child = page.get_children().filter(slug=segment).first()
        if child is None:
            old = _english_child(english, segment)
            child = old.get_translation_or_none(locale) if old is not None else None
            if child is not None:
                renamed, english = True, old
        elif english is not None:
            english = child.get_translation_or_none(english_locale)
        if child is None:
            rest = segments[position:]
            break
        page = child
    if not renamed:
        return None
    page = page.specific
    url = page.get_url(request)
    if not url:
        return None
    if rest:  # a sub-route: only a routable page's own (a theme page under the events index)
        if not hasattr(page, "resolve_subpage"):
            return None
        try:
            page.route(request, rest)
        except Http404:
            return None
        url = f"{url}{'/'.join(rest)}/"
    return page, url


def _editors_redirect(request):
    """An editor's own redirect for this address (Settings → Redirects) wins over ours."""
    site = Site.find_for_request(request)
    paths = {
        Redirect.normalise_path(request.get_full_path()),
        Redirect.normalise_path(request.path),
    }
    return (
        Redirect.get_for_site(site).filter(old_path__in=paths, automatically_created=False).exists()
    )


def legacy_target(request):
    """The address the old one meant, or None."""
    parts = [part for part in request.path_info.split("/") if part]
    if len(parts) < 2 or parts[0] not in LANGUAGES:
        return None
    locale = Locale.objects.filter(language_code=parts[0]).first()
    if locale is None:
        return None
    segments = parts[1:]
    if _editors_redirect(request):
        return None
    url = None
    page = _event_by_code(locale, segments[-1])
    if page is not None:
        url = page.get_url(request)
    elif parts[0] != "en":
        found = _walk(request, locale, segments)
        if found is not None:
            page, url = found
    if page is None or not page.live or not url or url == request.path:
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
