"""The redirect API (L1, L6) and the self-documentation (L2)."""

from urllib.parse import parse_qs, urlsplit

import pytest

R = "/api/1/redirect/"


@pytest.fixture(autouse=True)
def point_of_sales_setting(settings):
    settings.TICKETSHOP = {**settings.TICKETSHOP, "POINT_OF_SALES_CODE": "TICKETSHOP"}


def location(response):
    parts = urlsplit(response["Location"])
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_product_by_id_and_by_code(client, shop):
    response = client.get(R + "product", {"id": shop.concert.pk, "lang": "fr"})
    assert response.status_code == 302
    assert location(response)[0] == f"/shop/fr/product/{shop.concert.pk}/"
    by_code = client.get(R + "product", {"code": "concert", "season": "S2026", "lang": "de-CH"})
    assert location(by_code)[0] == f"/shop/de/product/{shop.concert.pk}/"
    unknown_language = client.get(R + "product", {"id": shop.concert.pk, "lang": "xx"})
    assert location(unknown_language)[0] == f"/shop/en/product/{shop.concert.pk}/"
    performance = client.get(R + "product/performance", {"id": shop.concert_2.pk, "lang": "es"})
    assert location(performance)[0] == f"/shop/es/performance/{shop.concert_2.pk}/"


def test_unknown_product_is_a_404_page_in_the_asked_language(client, shop):
    for params in (
        {"id": 987654, "lang": "fr"},
        {"code": "NOPE", "lang": "fr"},
        {"id": shop.preparing.pk, "lang": "fr"},  # not published yet
    ):
        response = client.get(R + "product", params)
        assert response.status_code == 404, params
        assert b'lang="fr"' in response.content
        assert "Page introuvable" in response.content.decode()
        assert "Location" not in response
    assert client.get(R + "product/performance", {"id": 987654}).status_code == 404
    assert client.get(R + "product", {"id": "abc"}).status_code == 400
    assert client.get(R + "product", {"id": "9" * 30}).status_code == 400
    assert client.get(R + "product/performance", {"id": "9" * 30}).status_code == 400
    assert client.get(R + "product").status_code == 400


def test_register_passes_parameters_on(client, shop):
    response = client.get(
        R + "account/register",
        {
            "lang": "fr",
            "callbackUrl": "https://www.thecube.example/fr/merci/",
            "cancelPath": "/fr/",
            "showAddress": "0",
            "showCriteria": "TRUE",
        },
    )
    assert response.status_code == 302
    path, query = location(response)
    assert path == "/account/register/"
    assert query == {
        "lang": "fr",
        "callbackUrl": "https://www.thecube.example/fr/merci/",
        "cancelPath": "/fr/",
        "showAddress": "false",
        "showCriteria": "true",
        "showAuthorization": "true",
    }
    edit = client.get(R + "account/edit", {"returnPath": "/en/account-done/"})
    assert location(edit)[1]["callbackUrl"] == "/en/account-done/"
    assert location(edit)[0] == "/account/edit/"


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example",
        "javascript:alert(1)",
        "/\\evil.example",
        "https://www.thecube.example.evil.example/",
        "ftp://www.thecube.example/",
        "relative/path",
    ],
)
def test_hostile_return_urls_are_refused(client, shop, url):
    for param in ("callbackUrl", "returnPath", "cancelPath"):
        response = client.get(R + "account/register", {param: url, "lang": "en"})
        assert response.status_code == 400, (param, url)
        assert "Location" not in response
        assert b"Invalid request" in response.content


def test_bad_show_flag_is_refused(client, shop):
    response = client.get(R + "account/edit", {"showAddress": "maybe"})
    assert response.status_code == 400 and b"maybe" in response.content
    german = client.get(R + "account/register", {"callbackUrl": "//evil.example", "lang": "de"})
    assert german.status_code == 400 and "Ungültige Anfrage" in german.content.decode()


def test_account_activate_and_cart(client, shop):
    account = client.get(R + "account", {"lang": "de"})
    assert location(account) == ("/account/", {"lang": "de"})
    activate = client.get(R + "account/activate", {"contactNumber": "123", "token": "t0k"})
    assert location(activate) == (
        "/account/activate/",
        {"lang": "en", "contactNumber": "123", "token": "t0k"},
    )
    cart = client.get(R + "cart", {"orderId": "42", "lang": "es"})
    assert location(cart) == ("/shop/es/cart/", {"orderId": "42"})
    assert client.get(R + "cart", {"orderId": "x"}).status_code == 400


def test_api_documents_itself(client, shop):
    html = client.get("/api/1/")
    assert html.status_code == 200
    content = html.content.decode()
    for name in (
        "getCatalogDetailed",
        "getProductAvailability",
        "getUpdatedAvailabilities",
        "/tnai/backend-apis/v1/auth",
        "/api/1/redirect/account/register",
        "callbackUrl",
        "CatalogService.webservice?wsdl",
        "CUBE_WEBSITE",
        "HS256",
        "SINGLE_ENTRY",
    ):
        assert name in content, name
    data = client.get("/api/1/", {"format": "json"}).json()
    soap_catalog = next(g for g in data["groups"] if g["id"] == "soap-catalog")
    assert soap_catalog["wsdl"].endswith("CatalogService.webservice?wsdl")
    methods = {m["name"]: m for m in soap_catalog["methods"]}
    assert set(methods) == {
        "getCatalog",
        "getCatalogDetailed",
        "getLastSetupUpdate",
        "getPOSConfig",
        "isCatalogServiceAlive",
    }
    assert set(methods["getCatalogDetailed"]["parameters"]) == {"requestId", "scope"}
    assert methods["getPOSConfig"]["result"] == "POSConfigResult"
    served = {g["id"]: {m["name"] for m in g["methods"]} for g in data["groups"]}
    assert {"listSeasons", "searchProductsByCriteria", "listVatCodes"} <= served["soap-setup"]
    assert served["json-externalOrderHistoryService"] == {"listTicketsByCriteria"}
    assert "getSeatsAvailability" in served["json-availabilityService"]
    openapi = client.get("/api/1/openapi.json").json()
    assert openapi["openapi"].startswith("3.")
    assert (
        "/tnseb/backend-apis/availabilityService/v1_33/getProductAvailability" in openapi["paths"]
    )
