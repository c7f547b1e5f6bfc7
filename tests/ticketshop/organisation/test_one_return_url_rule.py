"""L1, L3: one return-URL rule for the redirect API, the account area and the IdP's `next`.

Input that Python's `urlsplit` chokes on (a bracket left open, a fullwidth "＃" whose host
changes under NFKC) is refused with a clear 400 by the redirect API, never a 500; the account
area and the IdP fall back to their own page on the same input. What the API accepts (a listed
host on another port, http) the account area accepts too, and what it refuses, it refuses.
"""

import pytest

from tests.fixtures.identity import PASSWORD

API = "/api/1/redirect/account/register"
CHOKING = [
    "https://evil.example＃@www.thecube.example/",
    "https://www.thecube.example＃@evil.example/",
    "https://evil.example／@www.thecube.example/",
    "https://[::1",
    "https://[::1/fr/",
    "http://[www.thecube.example]/",
    "https://www.thecube.example:99999/",
    "https://ｗｗｗ.thecube.example/",  # fullwidth letters: the browser's host is not the text
]


@pytest.fixture
def site(settings, saml_settings, point_of_sales):
    settings.ROOT_URLCONF = "website.urls"  # the project's: the API, the account area, the IdP
    point_of_sales.allowed_return_hosts = "www.thecube.example"
    point_of_sales.save()
    return point_of_sales


@pytest.mark.parametrize("url", CHOKING)
def test_the_redirect_api_refuses_what_urlsplit_chokes_on_with_a_400(client, site, url):
    for param in ("callbackUrl", "returnPath", "cancelPath"):
        response = client.get(API, {param: url, "lang": "en"})
        assert response.status_code == 400, (param, url)
        assert "Location" not in response
        text = response.content.decode()
        assert "Invalid request" in text
        assert "return URL" in text  # the reason is given, not a bare error page


def edit(client, callback):
    return client.post(
        "/account/edit/",
        {"title": "MR", "first_name": "Michel", "last_name": "Shapira", "language": "fr"},
        QUERY_STRING=f"callbackUrl={callback}",
    )


def signed_in(client, visitor):
    response = client.post("/idp/login/", {"email": visitor.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("url", CHOKING)
def test_the_account_area_and_the_idp_fall_back_to_their_page_on_the_same_input(
    client,
    site,
    visitor,
    url,
):
    from urllib.parse import quote

    signed_in(client, visitor)
    response = edit(client, quote(url, safe=""))
    assert response.status_code == 302
    assert response["Location"] == "/account/edit/"  # the profile page, not the URL
    client.post("/idp/logout/")
    response = client.post(
        "/idp/login/", {"email": visitor.email, "password": PASSWORD, "next": url}
    )
    assert response.status_code == 302
    assert response["Location"] == "/account/"


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://www.thecube.example/fr/merci/", True),
        ("http://www.thecube.example/fr/", True),  # Django's own validator agreed here
        ("https://www.thecube.example:8443/fr/", True),  # …but refused this: a listed host's port
        ("/fr/merci/", True),
        ("https://www.thecube.example@evil.example/", False),
        ("https://evil.example/", False),
        ("//evil.example/", False),
        ("ftp://www.thecube.example/", False),
        ("https://www.thecube.example:443.evil.example/", False),
    ],
)
def test_the_api_and_the_account_area_agree(client, site, visitor, url, allowed):
    from urllib.parse import quote

    api = client.get(API, {"callbackUrl": url, "lang": "en"})
    assert api.status_code == (302 if allowed else 400), url
    signed_in(client, visitor)
    account = edit(client, quote(url, safe=""))
    assert account["Location"] == (url if allowed else "/account/edit/"), url


@pytest.fixture(autouse=True)
def _identity_settings(saml_settings):
    """The IdP's keys and the IdP + account area's URLs (tests/fixtures/identity.py)."""


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https:/www.thecube.example/", "http or https address"),  # a scheme, no host
        ("//evil.example/", "http or https address"),  # a host, no scheme: not a local path
        ("fr/cart/", "single '/'"),  # neither: a relative path must start with one "/"
    ],
)
def test_each_malformed_return_url_is_refused_with_its_reason(url, reason):
    from ticketshop.organisation.return_urls import Refused, checked_return_url

    with pytest.raises(Refused, match=reason):
        checked_return_url(url, {"www.thecube.example"})
