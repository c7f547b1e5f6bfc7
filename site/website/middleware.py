"""The visitor's language, kept from page to page (W5, L1), and real 404s (W3)."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, is_valid_path, resolve
from django.utils import translation

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def explicit_language(request):
    """The language the address itself asks for: /<lang>/… (the website), a view's `lang`
    argument (/shop/<lang>/…) or `?lang=` (the redirect API's links, the account area)."""
    from_path = translation.get_language_from_path(request.path_info)
    if from_path:
        return from_path
    asked = request.GET.get("lang", "")[:2].lower()
    if asked in LANGUAGE_CODES:
        return asked
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    lang = match.kwargs.get("lang")
    return lang if lang in LANGUAGE_CODES else None


class VisitorLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, plus two rules.

    - A language the visitor chose in an address is remembered in the language cookie, so the
      pages without a language in their address (account area, IdP sign-in, sign-out's landing)
      follow it rather than the browser's.
    - A 404 of a view that exists (an unknown id in the account area) stays a 404. Django would
      otherwise try /<lang>/<path>, which Wagtail's catch-all accepts, and redirect there."""

    def process_request(self, request):
        chosen = explicit_language(request)
        request.explicit_language = chosen
        super().process_request(request)
        if chosen and not translation.get_language_from_path(request.path_info):
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen

    def process_response(self, request, response):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if response.status_code == 404 and is_valid_path(request.path_info, urlconf):
            request.urlconf = "website.urls_without_i18n"  # no redirect: a real 404
        response = super().process_response(request, response)
        chosen = getattr(request, "explicit_language", None)
        if chosen and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != chosen:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        # The language was this request's: code that runs next in the same thread (a task, the
        # next test) must not inherit it (issue 14/18's leak).
        translation.deactivate()
        return response
