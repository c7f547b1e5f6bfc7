"""HTTP helpers shared by the ticketshop's channels (no rules here)."""

from functools import wraps

from django.http import Http404


def keep_404(urlconf):
    """A 404 of a ticketshop page stays a 404: LocaleMiddleware would otherwise redirect it to
    /<lang>/<path>, which Wagtail's catch-all resolves. Telling it the request used `urlconf`
    (an URLconf without i18n_patterns) keeps the answer. For views that raise Http404; a view
    that returns its own 404 answer calls `keep_404_answer`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except Http404:
                request.urlconf = urlconf
                raise

        return wrapper

    return decorator


def keep_404_answer(request, response, urlconf):
    """The same as `keep_404`, for a 404 answer a view returns (the APIs' JSON errors)."""
    request.urlconf = urlconf
    return response
