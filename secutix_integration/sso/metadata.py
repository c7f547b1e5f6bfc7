"""The IdP's metadata fetched over HTTP (SECUTIX["IDP_METADATA_URL"]), kept in Django's cache.

Page views never wait on a metadata server that is down: a failed fetch is remembered for
IDP_METADATA_FAILURE_SECONDS (a minute), during which readers get the last good copy, or
MetadataUnavailable at once. The copy is fetched again every IDP_METADATA_REFRESH_MINUTES by the
django-q2 schedule (tasks.refresh_idp_metadata), or by the first reader after that age (a cache
local to each process is refreshed that way too), so a rotated IdP key is picked up without a
restart. A failed refresh keeps the last good copy.
"""

import hashlib
import logging
import time
from xml.etree.ElementTree import ParseError

import requests
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.core.cache import cache

from secutix_integration import conf

logger = logging.getLogger(__name__)

MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata"


class MetadataUnavailable(Exception):
    """No copy of the IdP's metadata, and it cannot be fetched now."""


def _keys(url):
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return f"secutix:idp-metadata:{digest}", f"secutix:idp-metadata-failed:{digest}"


def fetch(url):
    """Fetch and keep the metadata at `url` (bytes); a failure is remembered for a while."""
    copy_key, failed_key = _keys(url)
    try:
        response = requests.get(url, timeout=float(conf.get("TIMEOUT_SECONDS")))
        response.raise_for_status()
        content = response.content
        if fromstring(content).tag != f"{{{MD_NS}}}EntityDescriptor":
            raise ValueError("not a SAML EntityDescriptor")
    except (requests.RequestException, ParseError, DefusedXmlException, ValueError) as error:
        logger.warning("IdP metadata at %s unavailable: %s", url, error)
        cache.set(failed_key, str(error), int(conf.get("IDP_METADATA_FAILURE_SECONDS")))
        raise MetadataUnavailable(f"IdP metadata at {url}: {error}") from error
    cache.set(copy_key, (time.time(), content), None)  # the last good copy is kept
    cache.delete(failed_key)
    return content


def remote_metadata(url):
    """The metadata at `url`: the cached copy, fetched again when older than the refresh
    interval (never more than once per failure period when the server is down)."""
    copy_key, failed_key = _keys(url)
    copy = cache.get(copy_key)
    max_age = float(conf.get("IDP_METADATA_REFRESH_MINUTES")) * 60
    if copy is not None and time.time() - copy[0] < max_age:
        return copy[1]
    failure = cache.get(failed_key)
    if failure is not None:
        if copy is not None:
            return copy[1]
        raise MetadataUnavailable(f"IdP metadata at {url}: {failure} (not tried again yet)")
    try:
        return fetch(url)
    except MetadataUnavailable:
        if copy is not None:
            return copy[1]
        raise


def refresh():
    """The scheduled refresh: what happened, in a word (the task's result)."""
    url = conf.get("IDP_METADATA_URL")
    if not url:
        return "local file"
    try:
        fetch(url)
    except MetadataUnavailable:
        return "failed (last good copy kept)"
    return "refreshed"
