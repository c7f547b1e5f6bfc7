from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse, translate_url
from django.utils import translation
from django.utils.translation import get_language_info
from wagtail.models import Locale, Page, Site

register = template.Library()

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def _query_without_lang(request):
    query = request.GET.copy()
    query.pop("lang", None)
    return query


def language_urls(request, page=None):
    """{code: url} of what the visitor sees, in each language, keeping the query string (W5).

    A Wagtail page links to its translation (its home if not translated yet); a view with a
    `lang` argument (the shop) is reversed in the other language; a view in an i18n pattern is
    translated; any other page (account, IdP) is asked again with `?lang=`."""
    known = getattr(request, "_language_urls", None)
    if known is not None and known[0] is page:  # the switch and the head ask the same
        return known[1]
    urls = _language_urls(request, page)
    if request is not None:
        request._language_urls = (page, urls)
    return urls


def _language_urls(request, page):
    urls = {}
    translations = {}
    if isinstance(page, Page):
        for other in page.get_translations(inclusive=True).select_related("locale").live():
            translations[other.locale.language_code] = other
    query = _query_without_lang(request) if request is not None else None
    suffix = f"?{query.urlencode()}" if query else ""
    match = None
    if request is not None and not isinstance(page, Page):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
    subpath = ""  # a routable page's sub-page: a theme, the search
    if translations and getattr(request, "routable_resolver_match", None):
        own = page.get_url(request) or ""
        if own and request.path.startswith(own):
            subpath = request.path[len(own) :]
    for code in LANGUAGE_CODES:
        if code in translations:
            url = (translations[code].get_url(request) or f"/{code}/") + subpath + suffix
        elif isinstance(page, Page) or request is None:
            url = f"/{code}/"  # no translation of this page yet: that language's home
        elif match is not None and "lang" in match.kwargs and match.url_name:
            try:
                name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
                url = reverse(name, args=match.args, kwargs={**match.kwargs, "lang": code})
                url += suffix
            except NoReverseMatch:
                url = f"/{code}/"
        elif translation.get_language_from_path(request.path_info):
            url = translate_url(request.path_info, code) + suffix
        else:
            query = _query_without_lang(request)
            query["lang"] = code
            url = f"{request.path_info}?{query.urlencode()}"
        urls[code] = url
    return urls


@register.inclusion_tag("includes/language_switch.html", takes_context=True)
def language_switch(context):
    """Links to the current page in each language; a Wagtail page links to its translation."""
    request = context.get("request")
    current = translation.get_language()
    urls = language_urls(request, context.get("page"))
    links = [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": urls[code],
            "current": code == current,
        }
        for code in LANGUAGE_CODES
    ]
    return {"links": links}


@register.inclusion_tag("includes/alternates.html", takes_context=True)
def alternates(context):
    """hreflang alternates (and the canonical address) in every page's head (W6)."""
    request = context.get("request")
    if request is None:
        return {"links": []}
    page = context.get("page")
    urls = language_urls(request, page)
    current = translation.get_language()
    absolute = {code: request.build_absolute_uri(url) for code, url in urls.items()}
    return {
        "links": [{"code": code, "url": url} for code, url in absolute.items()],
        "default": absolute.get(settings.LANGUAGE_CODE),
        "canonical": absolute.get(current),
    }


def _event_index(language):
    from events.models import EventIndexPage

    return (
        EventIndexPage.objects.live()
        .filter(locale__language_code=language)
        .only("id", "url_path", "path", "depth", "locale_id", "title")
        .first()
    )


@register.inclusion_tag("includes/main_nav.html", takes_context=True)
def main_nav(context):
    """What's on, the themes, search, account and cart (W1)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    index = _event_index(language)
    request = context.get("request")
    themes = []
    events_url = f"/{language}/"
    if index is not None:
        events_url = index.get_url(request) or events_url
        themes = [
            {"name": t["name"], "url": f"{events_url}theme/{t['code'].lower()}/"}
            for t in index.filter_choices()["themes"]
            if not t.get("parentCode")
        ]
    page = context.get("page")
    current_path = request.path if request is not None else ""
    return {
        "events_url": events_url,
        "themes": themes,
        "current_path": current_path,
        "in_events": isinstance(page, Page) and current_path.startswith(events_url),
        "LANGUAGE_CODE": language,
    }


@register.simple_tag
def lang_query(language):
    return urlencode({"lang": language})


@register.simple_tag
def active_locale_home():
    locale = Locale.get_active()
    return f"/{locale.language_code}/"


def _site_links(request, language):
    """{English slug: address in `language`} of the pages under the site's home: one query per
    request and language, whatever the number of links (the footer's, the error pages')."""
    known = getattr(request, "_site_links", None) if request is not None else None
    if known is not None and known[0] == language:
        return known[1]
    site = Site.find_for_request(request) if request is not None else None
    site = site or Site.objects.filter(is_default_site=True).select_related("root_page").first()
    links = {}
    if site is not None:
        slugs = dict(Page.objects.child_of(site.root_page).values_list("translation_key", "slug"))
        pages = (
            Page.objects.live()
            .filter(translation_key__in=slugs, locale__language_code=language)
            .only("id", "url_path", "path", "depth", "locale_id", "translation_key")
        )
        links = {slugs[page.translation_key]: page.get_url(request) for page in pages}
    if request is not None:
        request._site_links = (language, links)
    return links


@register.simple_tag(takes_context=True)
def site_page_url(context, slug):
    """The address, in the visitor's language, of the site's page whose English slug is `slug`
    ("events", "terms-of-sale"): its own slug in that language (W5, issue 12), not an old
    address that answers 301."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    url = _site_links(context.get("request"), language).get(slug)
    return url or f"/{language}/{slug}/"
