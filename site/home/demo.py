"""The website's demo content: the four locales and a home page in each, linked as translations."""

import re

from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Locale, Page, Site

from events.models import EventIndexPage
from home.demo_images import attach_event_teasers, hero_image, theme_image
from home.models import HomePage, StaticPage

HOME = {
    "en": ("The CUBE", "Theatre, music, dance and exhibitions at the Center for Performing Arts."),
    "fr": ("Le CUBE", "Théâtre, musique, danse et expositions au Centre des arts de la scène."),
    "de": (
        "Der CUBE",
        "Theater, Musik, Tanz und Ausstellungen im Zentrum für darstellende Künste.",
    ),
    "es": ("El CUBE", "Teatro, música, danza y exposiciones en el Centro de Artes Escénicas."),
}
EVENTS = {
    "en": ("What's on", "Every show, concert and exhibition of the season."),
    "fr": ("À l'affiche", "Tous les spectacles, concerts et expositions de la saison."),
    "de": ("Programm", "Alle Vorstellungen, Konzerte und Ausstellungen der Saison."),
    "es": ("Cartelera", "Todos los espectáculos, conciertos y exposiciones de la temporada."),
}
# The pages the point of sales links to (L6): slug → {language: (title, intro, body)}.
STATIC_PAGES = {
    "terms-of-sale": {
        "en": (
            "Terms of sale",
            "The rules that apply to every ticket bought from the CUBE.",
            "Tickets are neither exchanged nor refunded, except when a performance is "
            "cancelled. Reduced tariffs require proof at the entrance. Your order is "
            "confirmed once payment is accepted.",
        ),
        "fr": (
            "Conditions générales de vente",
            "Les règles applicables à tout billet acheté au CUBE.",
            "Les billets ne sont ni échangés ni remboursés, sauf annulation de la "
            "représentation. Les tarifs réduits sont accordés sur justificatif à l'entrée. "
            "Votre commande est confirmée dès l'acceptation du paiement.",
        ),
        "de": (
            "Allgemeine Verkaufsbedingungen",
            "Die Regeln für jedes beim CUBE gekaufte Ticket.",
            "Tickets werden weder umgetauscht noch erstattet, außer bei Absage der "
            "Vorstellung. Ermäßigungen nur gegen Nachweis am Eingang. Ihre Bestellung ist "
            "mit der Annahme der Zahlung bestätigt.",
        ),
        "es": (
            "Condiciones generales de venta",
            "Las reglas de toda entrada comprada en el CUBE.",
            "Las entradas no se cambian ni se reembolsan, salvo cancelación de la función. "
            "Las tarifas reducidas requieren justificante en la entrada. Su pedido queda "
            "confirmado al aceptarse el pago.",
        ),
    },
    "security-privacy": {
        "en": (
            "Security and privacy",
            "How we protect your data and your payments.",
            "We keep only what we need to sell and send your tickets. Card details never "
            "reach our servers: the payment provider handles them. You can ask for a copy "
            "or the deletion of your data at any time.",
        ),
        "fr": (
            "Sécurité et confidentialité",
            "Comment nous protégeons vos données et vos paiements.",
            "Nous ne gardons que ce qui sert à vendre et envoyer vos billets. Les données de "
            "carte ne transitent jamais par nos serveurs. Vous pouvez demander une copie ou "
            "l'effacement de vos données à tout moment.",
        ),
        "de": (
            "Sicherheit und Datenschutz",
            "Wie wir Ihre Daten und Zahlungen schützen.",
            "Wir speichern nur, was für Verkauf und Versand Ihrer Tickets nötig ist. "
            "Kartendaten erreichen nie unsere Server. Sie können jederzeit eine Kopie oder "
            "die Löschung Ihrer Daten verlangen.",
        ),
        "es": (
            "Seguridad y privacidad",
            "Cómo protegemos sus datos y sus pagos.",
            "Solo guardamos lo necesario para vender y enviar sus entradas. Los datos de la "
            "tarjeta nunca llegan a nuestros servidores. Puede pedir una copia o el borrado "
            "de sus datos en cualquier momento.",
        ),
    },
    "help": {
        "en": (
            "Help",
            "Answers to the questions we hear most at the box office.",
            "Lost your tickets? Download them again from your account. Booking for your "
            "family? Add them under Friends and family, then choose them as ticket holders.",
        ),
        "fr": (
            "Aide",
            "Les réponses aux questions les plus fréquentes de la billetterie.",
            "Billets perdus ? Téléchargez-les à nouveau depuis votre compte. Vous réservez "
            "pour votre famille ? Ajoutez vos proches dans Amis et famille, puis choisissez-"
            "les comme bénéficiaires.",
        ),
        "de": (
            "Hilfe",
            "Antworten auf die häufigsten Fragen an der Kasse.",
            "Tickets verloren? Laden Sie sie in Ihrem Konto erneut herunter. Sie buchen für "
            "Ihre Familie? Fügen Sie sie unter Freunde und Familie hinzu.",
        ),
        "es": (
            "Ayuda",
            "Respuestas a las preguntas más frecuentes de la taquilla.",
            "¿Perdió sus entradas? Descárguelas de nuevo desde su cuenta. ¿Reserva para su "
            "familia? Añádalos en Familiares y amigos y elíjalos como titulares.",
        ),
    },
    "contact-us": {
        "en": (
            "Contact us",
            "The box office answers Tuesday to Saturday, 12:00 to 19:00.",
            "Phone +33 1 23 45 67 89 — tickets@thecube.example — The CUBE, 1 place des "
            "Arts, 75000 Paris.",
        ),
        "fr": (
            "Nous contacter",
            "La billetterie répond du mardi au samedi, de 12 h à 19 h.",
            "Téléphone +33 1 23 45 67 89 — tickets@thecube.example — Le CUBE, 1 place des "
            "Arts, 75000 Paris.",
        ),
        "de": (
            "Kontakt",
            "Die Kasse ist dienstags bis samstags von 12 bis 19 Uhr erreichbar.",
            "Telefon +33 1 23 45 67 89 — tickets@thecube.example — The CUBE, 1 place des "
            "Arts, 75000 Paris.",
        ),
        "es": (
            "Contacto",
            "La taquilla atiende de martes a sábado, de 12:00 a 19:00.",
            "Teléfono +33 1 23 45 67 89 — tickets@thecube.example — The CUBE, 1 place des "
            "Arts, 75000 París.",
        ),
    },
}
# The home pages' entry points to the programme, with a drawn image each (names come from the
# ticketshop's themes, in each language).
THEMES = {"THEATRE": "Theatre", "MUSIC": "Music", "DANCE": "Dance", "EXHIBITION": "Exhibitions"}
WAGTAIL_PLACEHOLDER_TITLE = "Welcome to your new Wagtail site!"


def _translated_tree(parent_en, model, texts, slug, locales, translate_slug=False):
    """A page under the English `parent_en` and its translations, published; idempotent.
    With `translate_slug`, each translation's slug comes from its title (W5: the events index
    is /fr/a-l-affiche/, /de/programm/, /es/cartelera/); a translation still at the English
    slug (copied, or left by an older demo) gets it, one an editor renamed keeps theirs."""
    english = model.objects.child_of(parent_en).filter(slug=slug).first()
    if english is None:
        title, intro = texts["en"]
        english = parent_en.add_child(instance=model(title=title, slug=slug, intro=intro))
    _publish(english, *texts["en"])
    for code, (title, intro) in texts.items():
        if code != "en":
            page = english.get_translation_or_none(locales[code])
            if page is None:
                page = english.copy_for_translation(locales[code])
            new_slug = page_slug(title) if translate_slug and page.slug == slug else None
            _publish(page.specific, title, intro, new_slug)
    return english


def _publish(page, title, intro, slug=None):
    if page.title != title or page.intro != intro or not page.live or slug:
        page.title, page.intro = title, intro
        page.slug = slug or page.slug
        page.save_revision().publish()


@transaction.atomic
def load_site_demo():
    """Create locales, home pages and the default site; running it again changes nothing."""
    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in HOME}
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locales["en"])
    )
    # Wagtail's own placeholder page, created by its migrations, is not part of the demo.
    root.get_children().filter(title=WAGTAIL_PLACEHOLDER_TITLE, content_type__model="page").delete()

    english = _translated_tree(root, HomePage, HOME, "home", locales)

    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port, site.site_name, site.root_page = (
        "localhost",
        80,
        "The CUBE",
        english,
    )
    site.save()
    _translated_tree(english, EventIndexPage, EVENTS, "events", locales, translate_slug=True)
    for slug, texts in STATIC_PAGES.items():
        _static_page(english, slug, texts, locales)
    _compose_homes(english)
    attach_event_teasers()
    return english


def _compose_homes(english):
    """The hero image and the themes' entry points of every home page, set once."""
    hero = hero_image()
    tiles = [
        ("theme", {"code": code, "label": "", "image": theme_image(code, name)})
        for code, name in THEMES.items()
    ]
    for home in [english, *english.get_translations()]:
        home = home.specific
        if home.hero_image_id is None and not home.theme_links:
            home.hero_image, home.theme_links = hero, tiles
            home.save_revision().publish()


def page_slug(title):
    """A page's slug in its language, from its title (W5, issue 12): "Conditions générales de
    vente" → "conditions-generales-de-vente". The old English addresses (/fr/terms-of-sale/,
    linked by the point of sales) answer 301 to these (website/legacy_slugs.py)."""
    return slugify(re.sub(r"[\u2019':]", " ", title))


def _static_page(home_en, slug, texts, locales):
    english = StaticPage.objects.child_of(home_en).filter(slug=slug).first()
    if english is None:
        title, intro, text = texts["en"]
        english = home_en.add_child(
            instance=StaticPage(
                title=title, slug=slug, intro=intro, body=[("text", f"<p>{text}</p>")]
            )
        )
        english.save_revision().publish()
    for code, (title, intro, text) in texts.items():
        if code == "en":
            continue
        page = english.get_translation_or_none(locales[code])
        if page is not None:  # once created, the pages are the marketing staff's, except
            if page.slug == slug:  # an English slug left by an older demo: its own (W5)
                page = page.specific
                page.slug = page_slug(title)
                page.save_revision().publish()
            continue
        page = english.copy_for_translation(locales[code]).specific
        page.title, page.intro, page.body = title, intro, [("text", f"<p>{text}</p>")]
        page.slug = page_slug(title)
        page.save_revision().publish()
