"""THE return-URL rule (L1, L3): where the ticketshop may send a visitor back to.

One validator for the redirect API's callbackUrl/returnPath/cancelPath, the account area's
callbackUrl and the IdP's `next`: a local path ("/…", not "//…"), or an http(s) address whose
host is one of `hosts` (a host listed without a port allows its ports; with a port, that port
only). Everything else is refused with a message, never a server error: `urlsplit` raises
ValueError on some input (`https://[::1`, `https://x＃@evil` whose host changes under NFKC).
"""

from urllib.parse import urlsplit

from django.utils.translation import gettext as _

FORBIDDEN_CHARACTERS = "\\\r\n\t\x00"


class Refused(ValueError):
    """The return URL is not allowed; str(exc) says why, for the visitor."""


def allowed_return_hosts(point_of_sales, *extra):
    """The point of sales' allowed return hosts (lower case), plus `extra` hosts."""
    lines = point_of_sales.allowed_return_hosts.splitlines() if point_of_sales else []
    hosts = {line.strip().lower() for line in lines if line.strip()}
    hosts.update(host.lower() for host in extra if host)
    return hosts


def _not_website():
    return Refused(_("A return URL must be an http or https address of the website."))


def checked_return_url(url, hosts):
    """`url` unchanged when allowed (None when empty); else Refused."""
    if not url:
        return None
    if any(ch in url for ch in FORBIDDEN_CHARACTERS) or url != url.strip():
        raise Refused(_("The return URL contains forbidden characters."))
    try:
        parts = urlsplit(url)
        port = parts.port  # "host:443.evil.example": not a port, not a URL to follow
    except ValueError:
        raise _not_website() from None
    if not (parts.scheme + parts.netloc).isascii():
        # Browsers map non-ASCII look-alikes in a host ("＃", "／", "＠") to the ASCII ones,
        # which changes where the URL leads; an internationalised host is listed as xn--….
        raise Refused(_("The return URL contains forbidden characters."))
    if not parts.scheme and not parts.netloc:
        if url.startswith("/") and not url.startswith("//"):
            return url
        raise Refused(_("A relative return URL must start with a single '/'."))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _not_website()
    host = (parts.hostname or "").lower()  # after any "user@": where the browser goes
    with_port = f"{host}:{port}" if port is not None else host
    if with_port in hosts or host in hosts:
        return url
    raise Refused(
        _("The return URL's host %(host)s is not one of the website's hosts.")
        % {"host": parts.netloc}
    )


def return_url_or_default(url, hosts, default=""):
    """For pages that fall back quietly (after a sign-in): the allowed URL, else `default`."""
    try:
        return checked_return_url(url, hosts) or default
    except Refused:
        return default
