"""Error pages in the site's design and the visitor's language (W3), and the sitemap (W6)."""

import logging

from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.http import HttpResponseServerError
from django.template import loader
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


def server_error(request):
    return HttpResponseServerError(_render(request, 500))


def sitemap(request):
    return django_sitemap(request, sitemaps={"pages": PagesSitemap(request)})


def robots_txt(request):
    from django.http import HttpResponse

    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /backoffice/", "Disallow: /account/"]
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
