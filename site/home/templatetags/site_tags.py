from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import get_language_info
from wagtail.models import Page

register = template.Library()


@register.inclusion_tag("includes/language_switch.html", takes_context=True)
def language_switch(context):
    """Links to the current page in each language; a Wagtail page links to its translation."""
    request = context.get("request")
    page = context.get("page")
    current = translation.get_language()
    links = []
    translations = {}
    if isinstance(page, Page):
        for other in page.get_translations(inclusive=True).select_related("locale").live():
            translations[other.locale.language_code] = other
    for code, _name in settings.LANGUAGES:
        if code in translations:
            url = translations[code].get_url(request)
        elif isinstance(page, Page):
            url = f"/{code}/"  # no translation of this page yet: that language's home
        else:
            url = translate_url(request.get_full_path(), code) if request else f"/{code}/"
        name = get_language_info(code)["name_local"]
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return {"links": links}
