"""The catalogue of the demo venue (fixtures/the_cube.json) through zeep over HTTP (C2, C3)."""

from io import StringIO

import pytest
from django.core.management import call_command

from tests.ticketshop.api.test_soap import AVAILABILITY, CATALOG, client
from ticketshop.api.catalogue_export import FAMILY_TYPES
from ticketshop.api.models import ApiAccount
from ticketshop.catalogue.models import Performance, Price, Product
from ticketshop.demo import load_demo_venue

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_catalogue_matches_the_database(live_server, settings):
    load_demo_venue()
    call_command(
        "ensure_api_account",
        username="CUBE_WEBSITE",
        secret="website-demo-key",
        point_of_sales="TICKETSHOP",
        stdout=StringIO(),
    )
    call_command(
        "ensure_api_account",
        username="CUBE_WEBSITE",
        secret="website-demo-key",
        point_of_sales="TICKETSHOP",
        stdout=StringIO(),
    )
    assert ApiAccount.objects.count() == 1
    catalog = client(live_server, CATALOG, "CUBE_WEBSITE", "website-demo-key").service
    result = catalog.getCatalogDetailed()
    assert result.statusCode == "success"
    exported = {p.id: p for s in result.catalogData.seasons for p in s.products}
    expected = Product.objects.filter(state__in=["RUNNING", "SUSPENDED"])
    assert set(exported) == set(expected.values_list("pk", flat=True))
    assert Product.objects.exclude(state__in=["RUNNING", "SUSPENDED"]).exists()
    for product in expected:
        item = exported[product.pk]
        assert (item.code, item.state) == (product.code, product.state)
        assert item.productFamilyType == FAMILY_TYPES[product.family]
        assert item.productFamilySubType == product.family and item.vatCodeId
        names = {t.locale: t.value for t in item.externalName.translations}
        assert names["en"] == product.name_en
        performances = Performance.objects.filter(
            product=product, state__in=["RUNNING", "SUSPENDED"]
        )
        listed = item.event.performances if item.event else []
        assert sorted(p.id for p in listed) == sorted(p.pk for p in performances)
        for performance in listed:
            for price in performance.prices:
                amounts = Price.objects.filter(
                    grid=product.price_grid,
                    seat_category_id=price.seatCatId,
                    tariff__audience_subcategory_id=price.audSubCatId,
                ).values_list("amount", flat=True)
                assert price.amount in [int(a * 1000) for a in amounts]
    availability = client(live_server, AVAILABILITY, "CUBE_WEBSITE", "website-demo-key").service
    answer = availability.getProductAvailability(productIds=list(exported))
    assert {a.productId for a in answer.availabilities} == set(exported)
    assert all(a.indicator in (1, 2, 3) for a in answer.availabilities)
