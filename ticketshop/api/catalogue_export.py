"""The catalogue as a point of sales sees it (C2), as plain Python data shared by SOAP and JSON.

Only RUNNING and SUSPENDED products (and performances) are exported. Prices are integer
thousandths of the currency unit. A fixed number of queries whatever the size of the catalogue.
"""

from decimal import Decimal

from django.db.models import Max, Prefetch
from django.utils import timezone
from lxml import etree

from ticketshop.catalogue.models import (
    AudienceCategory,
    AudienceSubcategory,
    CrossSelling,
    Performance,
    Price,
    Product,
    SalesPeriod,
    Season,
    SeatCategory,
    ShowcaseItem,
    State,
    Theme,
)
from ticketshop.multilingual import LANGUAGES

EXPORTED_STATES = (State.RUNNING, State.SUSPENDED)


def thousandths(amount):
    return int((Decimal(amount) * 1000).to_integral_value())


def iso(value):
    return value.isoformat() if value is not None else None


def texts(obj, prefix):
    """[{"language": "en", "value": "…"}, …] for the languages that have a text."""
    return [
        {"language": lang, "value": getattr(obj, f"{prefix}_{lang}")}
        for lang in LANGUAGES
        if getattr(obj, f"{prefix}_{lang}")
    ]


def _named(obj, language):
    return {"id": obj.pk, "code": obj.code, "name": obj.name(language), "names": texts(obj, "name")}


def point_of_sales_config(point_of_sales):
    organisation = point_of_sales.channel.organisation
    return {
        "pointOfSalesId": point_of_sales.pk,
        "pointOfSalesCode": point_of_sales.code,
        "pointOfSalesName": point_of_sales.name,
        "organisationCode": organisation.code,
        "channelCode": point_of_sales.channel.code,
        "currency": organisation.currency,
        "timeZone": organisation.time_zone,
        "defaultLanguage": point_of_sales.default_language,
        "languages": list(LANGUAGES),
        "alertRatio": str(point_of_sales.alert_ratio),
        "showRemainingCount": point_of_sales.show_remaining_count,
        "productDetailUrl": point_of_sales.external_url("product_detail_url"),
        "websiteHomeUrl": point_of_sales.external_url("website_home_url"),
        "termsOfSaleUrl": point_of_sales.external_url("terms_of_sale_url"),
        "securityPrivacyUrl": point_of_sales.external_url("security_privacy_url"),
        "helpUrl": point_of_sales.external_url("help_url"),
        "contactUrl": point_of_sales.external_url("contact_url"),
    }


def last_setup_update(point_of_sales):
    """When the point of sales' catalogue last changed (None when it has no product)."""
    organisation_id = point_of_sales.channel.organisation_id
    dates = [
        Product.objects.filter(season__organisation_id=organisation_id).aggregate(
            m=Max("updated_at")
        )["m"],
        Performance.objects.filter(product__season__organisation_id=organisation_id).aggregate(
            m=Max("updated_at")
        )["m"],
    ]
    dates = [d for d in dates if d is not None]
    return max(dates) if dates else None


def _prices(prices, language):
    return [
        {
            "tariffId": price.tariff_id,
            "tariffCode": price.tariff.code,
            "tariffName": price.tariff.name(language),
            "audienceSubcategoryId": price.tariff.audience_subcategory_id,
            "audienceSubcategoryCode": price.tariff.audience_subcategory.code,
            "amount": thousandths(price.amount),
        }
        for price in prices
    ]


def _performance(performance, place):
    return {
        "id": performance.pk,
        "state": performance.state,
        "start": iso(performance.start),
        "durationMinutes": int(performance.duration.total_seconds() // 60),
        **place,
    }


def _place(configuration, prices_by_category, language):
    """Venue, hall and seat categories with their prices: the same for every performance of a
    product in one configuration, so built once and shared."""
    hall = configuration.hall
    return {
        "venue": _named(hall.venue, language),
        "hall": _named(hall, language),
        "seatCategories": [
            {
                **_named(category, language),
                "rank": category.rank,
                "prices": _prices(prices_by_category.get(category.pk, []), language),
            }
            for category in configuration.seat_categories.all()
        ],
    }


def _product(product, language, places):
    prices_by_category = {}
    for price in product.price_grid.prices.all() if product.price_grid else []:
        prices_by_category.setdefault(price.seat_category_id, []).append(price)
    performances = []
    for performance in product.performances.all():
        key = (performance.configuration_id, product.price_grid_id)
        if key not in places:
            places[key] = _place(performance.configuration, prices_by_category, language)
        performances.append(_performance(performance, places[key]))
    return {
        "id": product.pk,
        "code": product.code,
        "state": product.state,
        "family": product.family,
        "name": product.name(language),
        "names": texts(product, "name"),
        "description": product.description(language),
        "descriptions": texts(product, "description"),
        "productDetailUrl": product.detail_url(language),
        "quota": product.quota,
        "themes": [
            {**_named(theme, language), "parentId": theme.parent_id}
            for theme in product.themes.all()
        ],
        "performances": performances,
        "prices": _prices(prices_by_category.get(None, []), language),
        "salesPeriods": [
            {"start": iso(period.start), "end": iso(period.end)}
            for period in product.sales_periods.all()
        ],
        "crossSelling": [
            {"productId": c.suggested_id, "code": c.suggested.code, "rank": c.rank}
            for c in product.cross_sellings.all()
        ],
        "componentIds": [c.pk for c in product.components.all()],
    }


def products_queryset(point_of_sales, season_code=None, product_code=None):
    products = Product.objects.filter(
        season__organisation_id=point_of_sales.channel.organisation_id,
        state__in=EXPORTED_STATES,
    )
    if season_code:
        products = products.filter(season__code=season_code)
    if product_code:
        products = products.filter(code=str(product_code).strip().upper())
    return products.select_related("price_grid").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("code")),
        Prefetch(
            "performances",
            queryset=Performance.objects.filter(state__in=EXPORTED_STATES)
            .only("id", "product_id", "state", "start", "duration", "configuration_id")
            .order_by("start"),
        ),
        # one instance per configuration, hall and venue, shared by all their performances
        "performances__configuration__hall__venue",
        Prefetch(
            "performances__configuration__seat_categories",
            queryset=SeatCategory.objects.order_by("rank", "code"),
        ),
        Prefetch(
            "price_grid__prices",
            queryset=Price.objects.select_related("tariff__audience_subcategory").order_by(
                "seat_category_id", "tariff__code"
            ),
        ),
        Prefetch(
            "sales_periods",
            queryset=SalesPeriod.objects.filter(point_of_sales=point_of_sales).order_by("start"),
        ),
        Prefetch(
            "cross_sellings",
            queryset=CrossSelling.objects.filter(suggested__state__in=EXPORTED_STATES)
            .select_related("suggested")
            .order_by("rank"),
        ),
        "components",
    )


def export_catalogue(point_of_sales, language=None, season_code=None, product_code=None):
    """The detailed catalogue of a point of sales, as dicts and lists (JSON-ready)."""
    language = point_of_sales.language_or_default(language)
    organisation_id = point_of_sales.channel.organisation_id
    products = list(products_queryset(point_of_sales, season_code, product_code))
    places = {}  # (configuration, price grid) -> venue, hall, seat categories and prices
    by_season = {}
    for product in products:
        by_season.setdefault(product.season_id, []).append(product)
    seasons = Season.objects.filter(pk__in=by_season).order_by("start_date")
    audiences = AudienceCategory.objects.filter(organisation_id=organisation_id).prefetch_related(
        Prefetch("subcategories", queryset=AudienceSubcategory.objects.order_by("code"))
    )
    showcase = ShowcaseItem.objects.filter(
        point_of_sales=point_of_sales, product__state__in=EXPORTED_STATES
    ).order_by("rank")
    return {
        "pointOfSalesId": point_of_sales.pk,
        "currency": point_of_sales.channel.organisation.currency,
        "language": language,
        "generatedAt": iso(timezone.now()),
        "seasons": [
            {
                **_named(season, language),
                "startDate": season.start_date.isoformat(),
                "endDate": season.end_date.isoformat(),
                "products": [_product(p, language, places) for p in by_season[season.pk]],
            }
            for season in seasons
        ],
        "audienceCategories": [
            {
                **_named(category, language),
                "subcategories": [
                    {**_named(sub, language), "membersOnly": sub.members_only}
                    for sub in category.subcategories.all()
                    if point_of_sales.show_member_audience_subcategories or not sub.members_only
                ],
            }
            for category in audiences.order_by("code")
        ],
        "showcase": [
            {"productId": item.product_id, "rank": item.rank}
            for item in showcase.only("product_id", "rank")
        ],
    }


def _to_xml(parent, name, value):
    if isinstance(value, dict):
        element = etree.SubElement(parent, name)
        for key, item in value.items():
            _to_xml(element, key, item)
    elif isinstance(value, list):
        element = etree.SubElement(parent, name)
        item_name = name[:-1] if name.endswith("s") else "item"
        if name.endswith("ies"):
            item_name = name[:-3] + "y"
        for item in value:
            _to_xml(element, item_name, item)
    elif value is not None:
        element = etree.SubElement(parent, name)
        element.text = str(value).lower() if isinstance(value, bool) else str(value)


def catalogue_xml(data):
    """The exported catalogue as an XML document (the catalogData of getCatalog)."""
    root = etree.Element("catalog")
    for key, value in data.items():
        _to_xml(root, key, value)
    return etree.tostring(root, encoding="unicode")
