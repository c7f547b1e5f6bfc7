"""getCatalogDetailed for a generated catalogue of 500 products x 20 performances: time and size.

    .venv/bin/python bench/bench_catalogue.py [products] [performances]

Measures the plain-python export (shared by SOAP and JSON), the JSON twin and the SOAP service
(spyne serialisation, WS-Security check), in-process through Django's test client.
"""

import sys
import time
from datetime import timedelta

from _api_setup import start

ENVELOPE = """<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
  xmlns:c="http://v1_33.catalog.realtime.service.secutix.com/">
 <soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">
  <wsse:UsernameToken><wsse:Username>{user}</wsse:Username><wsse:Password>{secret}</wsse:Password></wsse:UsernameToken>
 </wsse:Security></soap:Header>
 <soap:Body><c:getCatalogDetailed><c:requestId>1</c:requestId></c:getCatalogDetailed></soap:Body>
</soap:Envelope>"""


def timed(call):
    begin = time.perf_counter()
    result = call()
    return time.perf_counter() - begin, result


def main(n_products=500, n_performances=20):
    client = start()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.fixtures.venue import SECRET, USERNAME, make_shop
    from ticketshop.api.catalogue_export import export_catalogue
    from ticketshop.catalogue.models import Performance, Product

    shop = make_shop()
    begin = time.perf_counter()
    products = Product.objects.bulk_create(
        Product(
            season=shop.season,
            code=f"G{n:05d}",
            family="EVENT",
            state="RUNNING",
            name_en=f"Generated {n}",
            name_fr=f"Généré {n}",
            description_en="A generated product. " * 5,
            product_detail_url="https://www.thecube.example/{LANGUAGE}/events/",
            price_grid=shop.concert.price_grid,
        )
        for n in range(n_products)
    )
    Performance.objects.bulk_create(
        Performance(
            product=product,
            start=shop.concert_1.start + timedelta(days=day),
            duration=shop.concert_1.duration,
            state="RUNNING",
            configuration=shop.configuration,
        )
        for product in products
        for day in range(n_performances)
    )
    print(
        f"generated {n_products} products x {n_performances} performances "
        f"in {time.perf_counter() - begin:.1f} s"
    )

    with CaptureQueriesContext(connection) as queries:
        seconds, data = timed(lambda: export_catalogue(shop.pos))
    print(f"export (python data): {seconds:6.2f} s, {len(queries.captured_queries)} queries")

    token = client.post(
        "/tnai/backend-apis/v1/auth",
        {"operator": USERNAME, "secret": SECRET},
        content_type="application/json",
    ).json()["token"]
    seconds, response = timed(
        lambda: client.post(
            "/tnseb/backend-apis/catalogService/v1_33/getCatalogDetailed",
            {},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    )
    assert response.status_code == 200
    print(f"JSON getCatalogDetailed: {seconds:6.2f} s, {len(response.content) / 1e6:6.1f} MB")

    seconds, response = timed(
        lambda: client.post(
            "/tnseb/external-remoting/"
            "com.secutix.service.realtime.catalog.v1_33.CatalogService.webservice",
            ENVELOPE.format(user=USERNAME, secret=SECRET),
            content_type="text/xml; charset=utf-8",
        )
    )
    assert response.status_code == 200, response.content[:500]
    print(f"SOAP getCatalogDetailed: {seconds:6.2f} s, {len(response.content) / 1e6:6.1f} MB")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
