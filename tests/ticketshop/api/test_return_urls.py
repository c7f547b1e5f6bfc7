"""L1: the return-URL allow-list refuses every open-redirect trick, not only the obvious ones.

The point of sales allows `www.thecube.example` and `testserver` (tests/fixtures/venue.py). A URL
is accepted when it is a local path or an http(s) address whose HOST is one of those; tricks
that make a browser go elsewhere while the text mentions an allowed host are refused (400, no
Location). Each refusal is checked on `callbackUrl`, `returnPath` and `cancelPath`.
"""

from urllib.parse import parse_qs, urlsplit

import pytest

R = "/api/1/redirect/account/register"
PARAMS = ("callbackUrl", "returnPath", "cancelPath")


@pytest.fixture(autouse=True)
def point_of_sales_setting(settings):
    settings.TICKETSHOP = {**settings.TICKETSHOP, "POINT_OF_SALES_CODE": "TICKETSHOP"}


@pytest.mark.parametrize(
    "url",
    [
        # userinfo: the text before "@" is a user name, the host is after it
        "https://www.thecube.example@evil.example/",
        "https://www.thecube.example@evil.example",
        "https://www.thecube.example:443@evil.example/",
        "https://user:www.thecube.example@evil.example/",
        "https://testserver@evil.example/next",
        "https://www.thecube.example%40evil.example/",
        "https://a@www.thecube.example@evil.example/",
        # backslashes (browsers read "\" as "/")
        "https://evil.example\\@www.thecube.example/",
        "https:\\\\evil.example/",
        "\\\\evil.example",
        "/\\evil.example",
        "\\/evil.example",
        # scheme-relative and slash tricks
        "//evil.example",
        "//evil.example/fr/",
        "///evil.example",
        "////evil.example",
        "//www.thecube.example@evil.example/",
        "https:evil.example",
        "https:/evil.example",
        "https:///evil.example",
        # upper-case or odd schemes
        "HTTPS://evil.example/",
        "HtTp://evil.example/",
        "JAVASCRIPT:alert(1)",
        "javascript://www.thecube.example/%0aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://www.thecube.example/",
        # ports and look-alike hosts
        "https://evil.example:443/",
        "https://evil.example:8443/www.thecube.example",
        "https://www.thecube.example.evil.example:443/",
        "https://www.thecube.example:443.evil.example/",
        "https://evil.example#@www.thecube.example/",
        "https://evil.example?@www.thecube.example/",
        # control characters and surrounding spaces
        " https://evil.example/",
        " https://www.thecube.example/fr/",  # an allowed host, but not as written
        "https://www.thecube.example/fr/ ",
        "/fr/ ",
        "https://www.thecube.example\t@evil.example/",
        "https://www.thecube.example/\r\nLocation: https://evil.example/",
        "/fr/\x00",
        "relative/path",
    ],
)
def test_open_redirect_tricks_are_refused(client, shop, url):
    for param in PARAMS:
        response = client.get(R, {param: url, "lang": "en"})
        assert response.status_code == 400, (param, url)
        assert "Location" not in response, (param, url)
        assert b"Invalid request" in response.content


@pytest.mark.parametrize(
    "url",
    [
        "https://www.thecube.example/fr/merci/",
        "HTTPS://WWW.THECUBE.EXAMPLE/fr/merci/",  # scheme and host are case-insensitive
        "http://www.thecube.example/",
        "https://www.thecube.example/path?next=https://evil.example/",  # a query is just data
        "http://testserver/en/",
        # a host listed without a port allows its ports (the demo lists 127.0.0.1 for the
        # website at http://127.0.0.1:8000/)
        "https://www.thecube.example:8443/fr/",
        "http://testserver:8000/en/",
        "/en/account-done/",
        "/fr/?a=1#top",
    ],
)
def test_allowed_return_urls_are_passed_on_unchanged(client, shop, url):
    """The control: the refusals above are about the host, not about the shape of the URL."""
    for param in ("callbackUrl", "cancelPath"):
        response = client.get(R, {param: url, "lang": "en"})
        assert response.status_code == 302, (param, url)
        query = parse_qs(urlsplit(response["Location"]).query)
        assert query[param] == [url]


def test_a_host_listed_with_its_port_allows_that_port_only(client, shop):
    """`localhost:8000` in the list allows http://localhost:8000/… and no other port of it."""
    shop.pos.allowed_return_hosts = "www.thecube.example\nlocalhost:8000"
    shop.pos.save()
    allowed = client.get(R, {"callbackUrl": "http://localhost:8000/en/", "lang": "en"})
    assert allowed.status_code == 302
    assert parse_qs(urlsplit(allowed["Location"]).query)["callbackUrl"] == [
        "http://localhost:8000/en/"
    ]
    for url in ("http://localhost:8001/en/", "http://localhost/en/", "http://localhost:80/"):
        refused = client.get(R, {"callbackUrl": url, "lang": "en"})
        assert refused.status_code == 400, url
