"""The plugin's settings, read from the one `SECUTIX` block with sensible defaults."""

from django.conf import settings

DEFAULTS = {
    "API_BASE_URL": "http://127.0.0.1:8000",
    "API_USERNAME": "",
    "API_PASSWORD": "",
    "TIMEOUT_SECONDS": 3.0,
    "ORGANISATION_CODE": "",
    "CHANNEL_CODE": "",
    "AVAILABILITY_CACHE_SECONDS": 30,
    "AVAILABILITY_TIMEOUT_SECONDS": 1.5,
    "IMPORT_IN_PROGRESS_RETRIES": 10,
    "IMPORT_IN_PROGRESS_WAIT_SECONDS": 2.0,
    "EVENT_PAGE_MODEL": "events.EventPage",
}

CATALOGUE_SERVICE = "com.secutix.service.realtime.catalog.v1_33.CatalogService"


def get(name):
    return getattr(settings, "SECUTIX", {}).get(name, DEFAULTS.get(name))


def service_url(service):
    return f"{get('API_BASE_URL').rstrip('/')}/tnseb/external-remoting/{service}.webservice"


def public_availability_url():
    return f"{get('API_BASE_URL').rstrip('/')}/tnseb/public/availability"


def redirect_url(path, **params):
    """A link into the ticketshop through its redirect API (L1)."""
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{get('API_BASE_URL').rstrip('/')}/api/1/redirect/{path}" + (
        f"?{query}" if query else ""
    )
