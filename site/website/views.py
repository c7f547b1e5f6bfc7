"""Error pages in the site's design and the visitor's language (W3), and the sitemap (W6)."""

import logging
import sys

from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from website.sitemaps import PagesSitemap

logger = logging.getLogger(__name__)

MESSAGES = {
    400: lambda: (_("Bad request"), _("We could not understand this request.")),
    403: lambda: (_("Access denied"), _("You are not allowed to see this page.")),
    404: lambda: (
        _("Page not found"),
        _("This page does not exist or no longer exists. The show may be over."),
    ),
    500: lambda: (
        _("Something went wrong"),
        _("An error occurred on our side. Please try again in a few minutes."),
    ),
}


def _render(request, status):
    title, message = MESSAGES[status]()
    context = {"status": status, "error_title": title, "error_message": message}
    try:
        html = loader.render_to_string(f"{status}.html", context, request=request)
    except Exception:  # the error page must not fail: the plainest page then
        logger.exception("The %s page could not be rendered", status)
        html = f"<!DOCTYPE html><title>{title}</title><h1>{title}</h1><p>{message}</p>"
    return html


def bad_request(request, exception=None):
    from django.http import HttpResponseBadRequest

    return HttpResponseBadRequest(_render(request, 400))


def permission_denied(request, exception=None):
    from django.http import HttpResponseForbidden

    return HttpResponseForbidden(_render(request, 403))


def page_not_found(request, exception=None):
    from django.http import HttpResponseNotFound

    return HttpResponseNotFound(_render(request, 404))


def csrf_failure(request, reason=""):
    """A form sent without its CSRF token (or an expired one): the 403 page, not Django's."""
    return permission_denied(request)


def _database_unavailable(error):
    """Whether `error` (or what caused it) is the database not answering."""
    from django.db import InterfaceError, OperationalError

    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def service_unavailable(request):
    """503 while the database is down (X5): a plain page built without the database (the site's
    templates read its pages), answered at once, with Retry-After for browsers and crawlers; in
    the visitor's language, read without the database (URL prefix, then language cookie, then
    Accept-Language), whatever failed before the locale middleware ran."""
    language = translation.get_language_from_request(request, check_path=True)
    with translation.override(language):
        return _unavailable_page()


def _unavailable_page():
    title = _("Temporarily unavailable")
    message = _("We cannot serve this page for a moment. Please try again in a few seconds.")
    html = (
        f'<!DOCTYPE html><html lang="{escape(get_language() or "en")}"><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(message)}</p></html>"
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "10"
    return response


def server_error(request):
    if _database_unavailable(sys.exc_info()[1]):
        logger.warning("Database unavailable: 503 for %s", request.path)
        return service_unavailable(request)
    return HttpResponseServerError(_render(request, 500))


def sitemap(request):
    return django_sitemap(request, sitemaps={"pages": PagesSitemap(request)})


def robots_txt(request):
    from django.http import HttpResponse

    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /backoffice/", "Disallow: /account/"]
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
