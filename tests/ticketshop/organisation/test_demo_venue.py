"""The demo venue The CUBE (issue 2, point 5): content, idempotence, the command."""

import json
import time
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ticketshop.catalogue.models import (
    Family,
    Performance,
    Price,
    Product,
    SalesPeriod,
    Season,
    Seat,
    SeatAssignment,
    SeatCategory,
    ShowcaseItem,
    State,
    Theme,
)
from ticketshop.contacts.models import Contact, ContactLink, RelationKind
from ticketshop.contacts.services import next_contact_number
from ticketshop.demo import DEFAULT_PATH, DemoDataError, load_demo_venue
from ticketshop.organisation.models import PointOfSales

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)


def dump_ticketshop():
    """Every row of every ticketshop model, serialised in primary-key order."""
    dump = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("ticketshop."):
            continue
        for model in config.get_models(include_auto_created=True):
            dump[model._meta.label] = serializers.serialize(
                "json", model._default_manager.order_by("pk")
            )
    return dump


@pytest.fixture
def loaded():
    return load_demo_venue(today=TODAY)


def test_the_catalogue_has_every_family_and_enough_products(loaded):
    products = Product.objects.filter(season__organisation__code="CUBE")
    assert loaded["products"] == products.count() >= 16
    assert set(products.values_list("family", flat=True)) == set(Family.values)
    states = set(products.values_list("state", flat=True))
    assert {State.RUNNING, State.SUSPENDED, State.PREPARING, State.CANCELED} <= states
    for product in products:
        assert len(product.code) <= 8
        assert product.name_en and product.name_fr and product.name_de and product.name_es
        assert product.description_en and product.description_fr
        assert product.description_de and product.description_es
        assert product.product_detail_url == (
            f"http://127.0.0.1:8000/{{LANGUAGE}}/events/{product.code.lower()}/"
        )
        assert product.price_grid_id
    themed = set(
        Theme.objects.filter(products__isnull=False, parent=None).values_list("code", flat=True)
    )
    assert themed == {"THEATRE", "MUSIC", "DANCE", "EXHIBITION"}
    assert Theme.objects.get(code="JAZZ").parent.code == "MUSIC"


def test_families_have_their_attributes(loaded):
    undated = Product.objects.get(family=Family.UNDATED_PASS)
    assert undated.quota and not undated.performances.exists()
    package = Product.objects.get(family=Family.PACKAGE)
    assert package.components.count() >= 2
    assert Product.objects.get(family=Family.SUBSCRIPTION).components.count() >= 3
    assert Product.objects.filter(family=Family.COMPETITION).count() == 1
    for product in Product.objects.filter(family=Family.EVENT, state=State.RUNNING):
        assert 1 <= product.performances.count() <= 6


def test_seasons_and_performances_follow_today(loaded):
    seasons = list(Season.objects.order_by("start_date"))
    assert [(s.start_date, s.end_date) for s in seasons] == [
        (date(2026, 9, 1), date(2027, 8, 31)),
        (date(2027, 9, 1), date(2028, 8, 31)),
    ]
    assert seasons[1].products.exists()
    hamlet = Product.objects.get(code="HAMLET")
    first = hamlet.performances.order_by("start").first()
    assert first.start.isoformat() == "2026-12-11T19:00:00+00:00"  # 20:00 in Paris, day 16
    for performance in Performance.objects.filter(product__season=seasons[0]):
        assert TODAY < performance.start.date() <= TODAY + timedelta(days=190)
        assert performance.configuration.code in {"MAIN_FULL", "STUDIO_STD"}


def test_main_hall_seats_categories_and_prices(loaded):
    main = Seat.objects.filter(block__zone__hall__code="MAIN")
    assert 480 <= main.count() <= 520
    assert set(main.values_list("block__zone__code", flat=True)) == {"STALLS", "BALCONY"}
    assert set(main.values_list("block__code", flat=True)) == {"LEFT", "CENTRE", "RIGHT"}
    assert 50 <= Seat.objects.filter(block__zone__hall__code="STUDIO").count() <= 70
    assert SeatAssignment.objects.filter(configuration__code="MAIN_FULL").count() == main.count()
    assert SeatAssignment.objects.count() == Seat.objects.count()
    front = SeatAssignment.objects.get(
        configuration__code="MAIN_FULL",
        seat__block__zone__code="STALLS",
        seat__block__code="CENTRE",
        seat__row="A",
        seat__number=7,
    )
    assert front.category.code == "CAT1" and front.category.rank == 1
    back = SeatAssignment.objects.get(
        configuration__code="MAIN_FULL",
        seat__block__zone__code="BALCONY",
        seat__block__code="LEFT",
        seat__row="F",
        seat__number=1,
    )
    assert back.category.code == "CAT3"
    assert set(
        SeatCategory.objects.filter(configuration__code="STUDIO_STD").values_list("code", flat=True)
    ) == {"STD"}
    price = Price.objects.get(grid__code="MAIN_A", seat_category__code="CAT1", tariff__code="FULL")
    assert price.amount == Decimal("68.00")
    assert Price.objects.get(
        grid__code="EXPO_IND", seat_category=None, tariff__code="CHILD"
    ).amount == Decimal("7.50")
    assert Price.objects.get(
        grid__code="MAIN_A", seat_category__code="CAT1", tariff__code="MEMBER"
    ).tariff.audience_subcategory.members_only


def test_points_of_sales_sales_periods_and_showcase(loaded):
    shop = PointOfSales.objects.get(code="TICKETSHOP")
    assert shop.channel.code == "WEB" and shop.channel.kind == "INTERNET"
    assert shop.allow_purchase_for_friends_family and shop.modify_ticket_holder
    assert shop.alert_ratio == Decimal("0.15")
    assert shop.external_url("terms_of_sale_url", "fr") == "http://127.0.0.1:8000/fr/terms-of-sale/"
    assert shop.external_url("website_home_url", "de") == "http://127.0.0.1:8000/de/"
    assert shop.allowed_return_hosts.splitlines() == ["127.0.0.1", "localhost"]
    assert PointOfSales.objects.get(code="BOXOFFICE").channel.kind == "BOX_OFFICE"
    assert list(
        ShowcaseItem.objects.filter(point_of_sales=shop).values_list("product__code", flat=True)
    ) == ["NUTCRACK", "HAMLET", "BEETH9", "LIGHTIND"]
    periods = SalesPeriod.objects.filter(point_of_sales=shop)
    assert periods.filter(start__date__gt=TODAY).exists()  # sales open in the future
    assert periods.filter(end__date__lt=TODAY).exists()  # sales have ended
    assert Product.objects.get(code="HAMLET").cross_sellings.count() == 2


def test_contacts_of_the_seeds_and_the_demo_visitor(loaded):
    michel = Contact.objects.get(email="michel.shapira@secutixtest.com")
    assert michel.check_password("Cube-demo-2026")
    assert michel.first_name == "Michel" and michel.last_name == "SHAPIRA"
    assert michel.email_confirmed and michel.language == "en"
    assert michel.addresses.get(is_default=True).city
    assert set(michel.interests.values_list("code", flat=True)) == {"THEATRE", "MUSIC", "FAMILY"}
    assert michel.consents.get(authorisation__code="NEWSLETTER").granted
    children = {
        link.child.contact_number: link.child.email
        for link in ContactLink.objects.filter(parent=michel)
    }
    assert children == {
        "10000001429": "miso.milicevic@secutix.com",
        "10000001430": "emmanuelle.milicevic@secutix.com",
    }
    assert Contact.objects.get(contact_number="10000001429").last_name == "MILICEVIC"
    kinds = set(ContactLink.objects.filter(parent=michel).values_list("kind__code", flat=True))
    assert kinds == {"FRIEND_FAMILY"}  # the kind the account area gives friends and family
    assert next_contact_number() == "10000001431"  # the seeds' next contact, Marko
    family = set(RelationKind.objects.filter(is_family=True).values_list("code", flat=True))
    assert family == {"SPOUSE", "CHILD", "PARENT", "SIBLING"}


def test_loading_twice_changes_nothing(loaded):
    before = dump_ticketshop()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        summary = load_demo_venue(today=TODAY)
    elapsed = time.perf_counter() - started
    print(f"\nsecond load: {len(queries)} queries, {elapsed * 1000:.0f} ms")
    assert summary["created"] == 0 and summary["updated"] == 0
    assert dump_ticketshop() == before
    assert len(queries) < 80  # a query per model, not per seat or per row
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_loading_a_month_later_moves_dates_without_duplicates(loaded):
    performance_ids = sorted(Performance.objects.values_list("pk", flat=True))
    counts = (
        Product.objects.count(),
        SalesPeriod.objects.count(),
        Seat.objects.count(),
        Contact.objects.count(),
    )
    hamlet_first = Product.objects.get(code="HAMLET").performances.order_by("pk").first().start
    later = load_demo_venue(today=TODAY + timedelta(days=30))
    assert sorted(Performance.objects.values_list("pk", flat=True)) == performance_ids
    assert (
        Product.objects.count(),
        SalesPeriod.objects.count(),
        Seat.objects.count(),
        Contact.objects.count(),
    ) == counts
    assert Product.objects.get(code="HAMLET").performances.order_by(
        "pk"
    ).first().start == hamlet_first + timedelta(days=30)
    assert later["updated"] > 0 and later["created"] == 0


def test_loading_in_a_later_season_keeps_one_product_per_code(loaded):
    load_demo_venue(today=date(2027, 10, 1))
    assert Product.objects.count() == loaded["products"]
    assert Performance.objects.count() == loaded["performances"]
    assert Product.objects.get(code="HAMLET").season.code == "S2027_2028"


def test_the_command_prints_a_summary():
    out = StringIO()
    call_command("load_demo_venue", "--today", "2026-11-25", stdout=out)
    line = out.getvalue().strip()
    assert line.startswith("Demo venue CUBE: 20 products,")
    assert "seats" in line and "3 contacts" in line and "0 updated" in line
    out = StringIO()
    call_command("load_demo_venue", "--today", "2026-11-25", stdout=out)
    assert "(0 rows created, 0 updated)" in out.getvalue()


def test_bad_input_changes_nothing(tmp_path):
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["products"][-1]["components"] = ["NOSUCH"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DemoDataError, match="NOSUCH"):
        load_demo_venue(path=broken, today=TODAY)
    assert not Product.objects.exists() and not Seat.objects.exists()
    with pytest.raises(CommandError, match="--today"):
        call_command("load_demo_venue", "--today", "tomorrow")


def test_reloading_keeps_what_visitors_changed_in_their_account(loaded):
    michel = Contact.objects.get(email="michel.shapira@secutixtest.com")
    michel.set_password("a-new-secret-2027")
    michel.save()
    load_demo_venue(today=TODAY)
    michel.refresh_from_db()
    assert michel.check_password("a-new-secret-2027")
    assert michel.contact_number == "10000001428"
