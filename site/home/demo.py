"""The website's demo content: the four locales and a home page in each, linked as translations."""

from django.db import transaction
from wagtail.models import Locale, Page, Site

from home.models import HomePage

HOME = {
    "en": ("The CUBE", "Theatre, music, dance and exhibitions at the Center for Performing Arts."),
    "fr": ("Le CUBE", "Théâtre, musique, danse et expositions au Centre des arts de la scène."),
    "de": (
        "Der CUBE",
        "Theater, Musik, Tanz und Ausstellungen im Zentrum für darstellende Künste.",
    ),
    "es": ("El CUBE", "Teatro, música, danza y exposiciones en el Centro de Artes Escénicas."),
}
WAGTAIL_PLACEHOLDER_TITLE = "Welcome to your new Wagtail site!"


def _publish(page, title, intro):
    if page.title != title or page.intro != intro or not page.live:
        page.title, page.intro = title, intro
        page.save_revision().publish()


@transaction.atomic
def load_site_demo():
    """Create locales, home pages and the default site; running it again changes nothing."""
    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in HOME}
    root = Page.get_first_root_node()
    # Wagtail's own placeholder page, created by its migrations, is not part of the demo.
    root.get_children().filter(title=WAGTAIL_PLACEHOLDER_TITLE, content_type__model="page").delete()

    english = HomePage.objects.filter(locale=locales["en"]).first()
    if english is None:
        title, intro = HOME["en"]
        english = root.add_child(instance=HomePage(title=title, slug="home", intro=intro))
    _publish(english, *HOME["en"])
    for code, (title, intro) in HOME.items():
        if code == "en":
            continue
        page = english.get_translation_or_none(locales[code])
        if page is None:
            page = english.copy_for_translation(locales[code])
        _publish(page.specific, title, intro)

    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port, site.site_name, site.root_page = (
        "localhost",
        80,
        "The CUBE",
        english,
    )
    site.save()
    return english
