"""C1 catalogue rules: product codes, states, dates, prices."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ticketshop.catalogue import models as cat
from ticketshop.catalogue.services import change_state
from ticketshop.multilingual import expand_language

State = cat.State


def new_product(season, code, **extra):
    return cat.Product(season=season, code=code, family=cat.Family.EVENT, name_en="X", **extra)


class TestProductCode:
    def test_longer_than_eight_characters_is_refused(self, season):
        with pytest.raises(ValidationError) as error:
            new_product(season, "TOOLONGCO").full_clean()
        assert "code" in error.value.message_dict

    def test_eight_characters_are_accepted(self, season):
        new_product(season, "EIGHTCHR").full_clean()

    def test_code_is_stored_in_capitals(self, season):
        product = new_product(season, " hamlet ")
        product.full_clean()
        product.save()
        assert cat.Product.objects.get(pk=product.pk).code == "HAMLET"

    def test_spaces_and_punctuation_are_refused(self, season):
        with pytest.raises(ValidationError):
            new_product(season, "HAM LET").full_clean()

    def test_code_is_unique_within_a_season(self, product, season):
        with pytest.raises(ValidationError) as error:
            new_product(season, "hamlet").full_clean()
        assert "already exists" in str(error.value)
        with pytest.raises(IntegrityError), transaction.atomic():
            new_product(season, "HAMLET").save()

    def test_same_code_in_another_season_is_fine(self, product, other_season):
        other = new_product(other_season, "HAMLET")
        other.full_clean()
        other.save()
        assert cat.Product.objects.filter(code="HAMLET").count() == 2


class TestStates:
    @pytest.mark.parametrize(
        "path",
        [
            [State.VALIDATED, State.RUNNING, State.SUSPENDED, State.RUNNING, State.CLOSED],
            [State.VALIDATED, State.PREPARING, State.CANCELED],
            [State.VALIDATED, State.RUNNING, State.CANCELED],
        ],
    )
    def test_allowed_paths(self, product, path):
        for state in path:
            change_state(product, state)
            assert cat.Product.objects.get(pk=product.pk).state == state

    @pytest.mark.parametrize(
        "before,after",
        [
            ([], State.RUNNING),  # PREPARING cannot go on sale before validation
            ([State.CANCELED], State.RUNNING),  # cancelled is final
            ([State.VALIDATED, State.RUNNING, State.CLOSED], State.RUNNING),  # closed is final
            ([State.VALIDATED, State.RUNNING], State.PREPARING),
        ],
    )
    def test_forbidden_changes_are_refused_and_change_nothing(self, product, before, after):
        for state in before:
            change_state(product, state)
        current = cat.Product.objects.get(pk=product.pk).state
        with pytest.raises(ValidationError):
            change_state(product, after)
        assert cat.Product.objects.get(pk=product.pk).state == current

    def test_editing_the_state_field_directly_is_checked_too(self, product):
        product.state = State.RUNNING
        with pytest.raises(ValidationError) as error:
            product.full_clean()
        assert "state" in error.value.message_dict

    def test_a_new_product_starts_in_preparing(self, season):
        with pytest.raises(ValidationError):
            new_product(season, "NEW", state=State.RUNNING).full_clean()

    def test_performance_states_follow_the_same_rules(self, performance):
        change_state(performance, State.VALIDATED)
        with pytest.raises(ValidationError):
            change_state(performance, State.CLOSED)
        assert cat.Performance.objects.get(pk=performance.pk).state == State.VALIDATED

    def test_only_products_and_performances_have_a_state(self, season):
        with pytest.raises(TypeError):
            change_state(season, State.RUNNING)


def test_a_performance_lasts_more_than_zero_minutes(performance):
    performance.duration = dt.timedelta(0)
    with pytest.raises(ValidationError) as error:
        performance.full_clean()
    assert "duration" in error.value.message_dict


def test_sales_close_after_they_open(product, pos):
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    period = cat.SalesPeriod(product=product, point_of_sales=pos, start=now, end=now)
    with pytest.raises(ValidationError):
        period.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        period.save()


def test_a_season_ends_after_it_starts(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        cat.Season.objects.create(
            organisation=org,
            code="BAD",
            name_en="Bad",
            start_date=dt.date(2027, 1, 1),
            end_date=dt.date(2026, 1, 1),
        )


def test_a_sub_theme_has_no_sub_themes(org):
    music = cat.Theme.objects.create(organisation=org, code="MUSIC", name_en="Music")
    jazz = cat.Theme.objects.create(organisation=org, code="JAZZ", name_en="Jazz", parent=music)
    bebop = cat.Theme(organisation=org, code="BEBOP", name_en="Bebop", parent=jazz)
    with pytest.raises(ValidationError):
        bebop.full_clean()


class TestPrices:
    def test_exact_decimals(self, org, configuration, tariff):
        grid = cat.PriceGrid.objects.create(organisation=org, code="G1", name_en="Grid")
        category = cat.SeatCategory.objects.create(
            configuration=configuration, code="CAT1", name_en="Category 1"
        )
        cat.Price.objects.create(
            grid=grid, seat_category=category, tariff=tariff, amount=Decimal("0.10")
        )
        cat.Price.objects.create(grid=grid, tariff=tariff, amount=Decimal("0.20"))
        total = sum(p.amount for p in grid.prices.all())
        assert total == Decimal("0.30")

    def test_one_price_per_category_and_tariff(self, org, configuration, tariff):
        grid = cat.PriceGrid.objects.create(organisation=org, code="G1", name_en="Grid")
        category = cat.SeatCategory.objects.create(
            configuration=configuration, code="CAT1", name_en="Category 1"
        )
        cat.Price.objects.create(grid=grid, seat_category=category, tariff=tariff, amount=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            cat.Price.objects.create(grid=grid, seat_category=category, tariff=tariff, amount=2)
        cat.Price.objects.create(grid=grid, tariff=tariff, amount=3)  # unseated: one more
        with pytest.raises(IntegrityError), transaction.atomic():
            cat.Price.objects.create(grid=grid, tariff=tariff, amount=4)

    def test_negative_prices_are_refused(self, org, tariff):
        grid = cat.PriceGrid.objects.create(organisation=org, code="G1", name_en="Grid")
        with pytest.raises(ValidationError):
            cat.Price(grid=grid, tariff=tariff, amount=Decimal("-1")).full_clean()


def test_seat_assignment_stays_within_its_configuration(org, configuration):
    other_hall = cat.Hall.objects.create(
        venue=configuration.hall.venue, code="STUDIO", name_en="Studio"
    )
    other = cat.LogicalConfiguration.objects.create(hall=other_hall, code="STD", name_en="Std")
    category = cat.SeatCategory.objects.create(configuration=other, code="C", name_en="C")
    zone = cat.Zone.objects.create(hall=configuration.hall, code="STALLS", name_en="Stalls")
    block = cat.Block.objects.create(zone=zone, code="L", name_en="Left")
    seat = cat.Seat.objects.create(block=block, row="A", number=1)
    assignment = cat.SeatAssignment(configuration=configuration, seat=seat, category=category)
    with pytest.raises(ValidationError) as error:
        assignment.full_clean()
    assert "category" in error.value.message_dict


class TestLanguages:
    def test_names_fall_back_to_english(self, season):
        product = new_product(season, "CARMEN", name_fr="Carmen (fr)")
        assert product.name("fr") == "Carmen (fr)"
        assert product.name("de") == "X"
        assert product.name("fr-CH") == "Carmen (fr)"

    def test_language_placeholder_in_urls_l6(self, season, pos):
        product = new_product(
            season, "CARMEN", product_detail_url="https://cube.test/{LANGUAGE}/e/"
        )
        assert product.detail_url("de") == "https://cube.test/de/e/"
        pos.terms_of_sale_url = "https://cube.test/{LANGUAGE}/terms/"
        assert pos.external_url("terms_of_sale_url", "es") == "https://cube.test/es/terms/"
        assert pos.external_url("terms_of_sale_url") == "https://cube.test/en/terms/"
        assert expand_language("https://x/{LANGUAGE}/", "xx") == "https://x/en/"
