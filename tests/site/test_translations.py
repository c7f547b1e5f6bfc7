"""The website and the shop's back office in French, German and Spanish (X1)."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from home.demo import load_site_demo

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
LANGUAGES = ["fr", "de", "es"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{[A-Z_]+\}")

# What the header, the footer and the search page say in each language.
EXPECTED = {
    "fr": {
        "search": "Rechercher",
        "cart": "Mon panier",
        "account": "Mon compte",
        "sign_in": "Se connecter",
        "terms": "Conditions générales de vente",
        "whats_on": "À l'affiche",
        "skip": "Aller au contenu",
        "nothing": "Aucun résultat pour « x ».",
    },
    "de": {
        "search": "Suche",
        "cart": "Mein Warenkorb",
        "account": "Mein Konto",
        "sign_in": "Anmelden",
        "terms": "Allgemeine Geschäftsbedingungen",
        "whats_on": "Programm",
        "skip": "Zum Inhalt springen",
        "nothing": "Keine Ergebnisse für „x“.",
    },
    "es": {
        "search": "Buscar",
        "cart": "Mi carrito",
        "account": "Mi cuenta",
        "sign_in": "Iniciar sesión",
        "terms": "Condiciones de venta",
        "whats_on": "Cartelera",
        "skip": "Ir al contenido",
        "nothing": "No se ha encontrado nada para «x».",
    },
}


@pytest.fixture
def site(db):
    load_site_demo()


@pytest.mark.parametrize("language", LANGUAGES)
def test_header_footer_and_search_page_are_translated(client, site, language):
    words = EXPECTED[language]
    home = client.get(f"/{language}/")
    assert home.status_code == 200
    html = home.content.decode()
    for key in ("search", "cart", "account", "sign_in", "terms", "whats_on", "skip"):
        assert words[key] in html, key
    for english in ("Terms of sale", "My cart", "Skip to content", "Security and privacy"):
        assert english not in html

    search = client.get(f"/{language}/search/", {"q": "x"})
    assert search.status_code == 200
    html = search.content.decode()
    assert f"<h1>{words['search']}</h1>" in html
    assert words["nothing"] in html
    assert "Nothing found" not in html


def test_english_stays_the_source(client, site):
    html = client.get("/en/search/", {"q": "x"}).content.decode()
    assert "Terms of sale" in html and "My cart" in html
    assert "Nothing found for “x”." in html


@pytest.mark.parametrize(
    "language,fieldset,field",
    [
        ("fr", "Noms publics", "Famille"),
        ("de", "Öffentliche Namen", "Produktart"),
        ("es", "Nombres públicos", "Familia"),
    ],
)
def test_back_office_product_form_is_translated(admin_client, language, fieldset, field):
    response = admin_client.get("/backoffice/catalogue/product/add/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    assert fieldset in html
    assert f">{field}" in html
    assert "Public names" not in html


def read_po(path):
    """The entries of a .po file: msgid, msgid_plural, msgstr forms and flags (header excluded)."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = line.strip()
        if not line:
            if entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry or {
            "flags": set(),
            "msgctxt": None,
            "msgid": "",
            "msgid_plural": None,
            "msgstr": {},
        }
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#~"):
            entry["flags"].add("obsolete")
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += text
            else:
                entry[key[0]] += text
        else:
            word, value = line.split(" ", 1)
            text = ast.literal_eval(value)
            if word.startswith("msgstr"):
                index = int(word[7:-1]) if "[" in word else 0
                key = ("msgstr", index)
                entry["msgstr"][index] = text
            else:
                key = (word, None)
                entry[word] = text
    return [e for e in entries if e["msgid"]]


def po_files():
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def test_catalogues_exist_for_each_language():
    assert {path.parts[-3] for path in po_files()} >= set(LANGUAGES)


@pytest.mark.parametrize("path", po_files(), ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_every_message_is_translated_and_compiled(path):
    entries = read_po(path)
    assert len(entries) > 100
    with path.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in entries:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        assert "obsolete" not in entry["flags"], entry["msgid"]
        forms = list(entry["msgstr"].values())
        assert forms and all(forms), f"untranslated: {entry['msgid']!r}"
        sources = [entry["msgid"]] + ([entry["msgid_plural"]] if entry["msgid_plural"] else [])
        for source in sources:
            for form in forms:
                assert sorted(PLACEHOLDER.findall(form)) == sorted(PLACEHOLDER.findall(source)), (
                    source,
                    form,
                )
        # the .mo is compiled from this very .po
        if entry["msgctxt"]:
            assert catalogue.pgettext(entry["msgctxt"], entry["msgid"]) == forms[0]
        elif entry["msgid_plural"]:
            assert catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 1) == forms[0]
        else:
            assert catalogue.gettext(entry["msgid"]) == forms[0], entry["msgid"]
