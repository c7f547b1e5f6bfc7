"""Public texts kept in the shop's four languages (X1), with English as the fallback."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("fr", "en", "de", "es")
FALLBACK_LANGUAGE = "en"


def normalise_language(code, default=FALLBACK_LANGUAGE):
    """An ISO 639-1 code among the shop's languages ('fr-CH' → 'fr'); `default` otherwise."""
    code = (code or "").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else default


def expand_language(url, language):
    """Replace {LANGUAGE} in an external URL by the visitor's ISO 639-1 language (L6)."""
    return (url or "").replace("{LANGUAGE}", normalise_language(language))


class _InLanguages:
    def _in(self, prefix, language=None):
        language = normalise_language(language or translation.get_language())
        return getattr(self, f"{prefix}_{language}") or getattr(
            self, f"{prefix}_{FALLBACK_LANGUAGE}"
        )


class NamedInLanguages(_InLanguages, models.Model):
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_de = models.CharField(_("name (German)"), max_length=200, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name_en

    def name(self, language=None):
        return self._in("name", language)


class DescribedInLanguages(_InLanguages, models.Model):
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_de = models.TextField(_("description (German)"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)

    class Meta:
        abstract = True

    def description(self, language=None):
        return self._in("description", language)
