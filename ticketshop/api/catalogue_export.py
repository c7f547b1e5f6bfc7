# Over 400 lines on purpose: the whole v1_33 catalogue vocabulary (seasons, audiences, price levels, products, performances) in one mapping table and its builders.
"""The catalogue as a point of sales sees it (C2), in SecuTix's v1_33 vocabulary, as plain
Python data shared by SOAP and JSON (catalogService and setupService).

Only RUNNING and SUSPENDED products (and performances) are exported. Amounts are integer
thousandths of the currency unit, durations seconds, texts `{"translations": [{locale, value}]}`.
A fixed number of queries whatever the size of the catalogue.

Our domain is richer than SecuTix's product families; the mapping (README, /api/1/):

| our family             | productFamilyType | productFamilySubType  |
|------------------------|-------------------|-----------------------|
| EVENT                  | SINGLE_ENTRY      | EVENT                 |
| COMPETITION            | SINGLE_ENTRY      | COMPETITION           |
| VISIT_PASS_INDIVIDUAL  | PASS              | VISIT_PASS_INDIVIDUAL |
| VISIT_PASS_GROUP       | PASS              | VISIT_PASS_GROUP      |
| UNDATED_PASS           | PASS              | UNDATED_PASS          |
| SUBSCRIPTION           | SEASONTICKET      | SUBSCRIPTION          |
| PACKAGE                | PACKAGE           | PACKAGE               |

Price levels are our price grids (one per product); audience categories and their
sub-categories are the organisation's, repeated in every season as SecuTix does.
"""

from collections import defaultdict
from datetime import UTC, datetime, time
from decimal import Decimal

from django.db.models import Max, Prefetch

from ticketshop.catalogue.models import (
    AudienceCategory,
    AudienceSubcategory,
    Family,
    Performance,
    Price,
    PriceGrid,
    Product,
    SalesPeriod,
    Season,
    SeatCategory,
    State,
    Theme,
    VatCode,
)
from ticketshop.multilingual import LANGUAGES

EXPORTED_STATES = (State.RUNNING, State.SUSPENDED)

FAMILY_TYPES = {
    Family.EVENT: "SINGLE_ENTRY",
    Family.COMPETITION: "SINGLE_ENTRY",
    Family.VISIT_PASS_INDIVIDUAL: "PASS",
    Family.VISIT_PASS_GROUP: "PASS",
    Family.UNDATED_PASS: "PASS",
    Family.SUBSCRIPTION: "SEASONTICKET",
    Family.PACKAGE: "PACKAGE",
}
PRODUCT_FAMILY_TYPES = (
    "SINGLE_ENTRY",
    "SEASONTICKET",
    "PASS",
    "PACKAGE",
    "MEMBERSHIP",
    "SERVICE",
    "GOODS",
    "TRANSPORT",
    "HOSPITALITY",
)


def thousandths(amount):
    return int((Decimal(amount) * 1000).to_integral_value())


def iso(value):
    return value.isoformat() if value is not None else None


def translated(obj, prefix="name"):
    """SecuTix's translated text: {"translations": [{"locale": "en", "value": "…"}, …]}."""
    return {
        "translations": [
            {"locale": lang, "value": getattr(obj, f"{prefix}_{lang}")}
            for lang in LANGUAGES
            if getattr(obj, f"{prefix}_{lang}")
        ]
    }


def _named(obj):
    return {"id": obj.pk, "code": obj.code, "externalName": translated(obj)}


def point_of_sales_config(point_of_sales):
    """posConfigData of getPOSConfig."""
    channel = point_of_sales.channel
    organisation = channel.organisation
    return {
        "posId": point_of_sales.pk,
        "posCode": point_of_sales.code,
        "posName": point_of_sales.name,
        "institutionCode": organisation.code,
        "salesChannelCode": channel.code,
        "currencyCode": organisation.currency,
        "organizationTimeZone": organisation.time_zone,
        "defaultLanguage": point_of_sales.default_language,
        "languages": list(LANGUAGES),
        "showRemainingCount": point_of_sales.show_remaining_count,
        # ours (SecuTix shows it on its own shop): clients treat it as optional
        "highlightSeason": point_of_sales.highlight_season,
        "productDetailUrl": point_of_sales.external_url("product_detail_url"),
        "websiteHomeUrl": point_of_sales.external_url("website_home_url"),
        "termsOfSaleUrl": point_of_sales.external_url("terms_of_sale_url"),
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
    if dates and point_of_sales.updated_at:
        dates.append(point_of_sales.updated_at)  # its configuration (getPOSConfig) changed
    return max(dates) if dates else None


# --- reference data: VAT codes, audiences, price levels -----------------------------------------


def vat_codes(organisation_id):
    """(the VAT codes as SecuTix lists them, {family: vat code id})."""
    codes = list(VatCode.objects.filter(organisation_id=organisation_id).order_by("code"))
    by_family = {}
    default = next((c.pk for c in codes if not c.family_codes()), None)
    for family in Family.values:
        by_family[family] = next((c.pk for c in codes if family in c.family_codes()), default)
    listed = [
        {
            "id": c.pk,
            "code": c.code,
            "currentRate": int((c.rate * 100).to_integral_value()),  # hundredths of a percent
            "country": c.country,
        }
        for c in codes
    ]
    return listed, by_family


def _sub_category_kinds(organisation_id):
    """{sub-category id: FULL | REDUCED | FREE}: FULL where it has the highest price of a seat
    category in a grid, FREE where all its prices are 0, REDUCED otherwise."""
    rows = Price.objects.filter(grid__organisation_id=organisation_id).values_list(
        "grid_id", "seat_category_id", "tariff__audience_subcategory_id", "amount"
    )
    highest, amounts = {}, defaultdict(list)
    for grid, category, sub, amount in rows:
        highest[(grid, category)] = max(highest.get((grid, category), amount), amount)
        amounts[sub].append((grid, category, amount))
    kinds = {}
    for sub, entries in amounts.items():
        if all(a == 0 for _g, _c, a in entries):
            kinds[sub] = "FREE"
        elif any(a == highest[(g, c)] for g, c, a in entries):
            kinds[sub] = "FULL"
        else:
            kinds[sub] = "REDUCED"
    return kinds


def audience_sub_category(sub, kinds):
    return {
        **_named(sub),
        "audienceCategoryKind": kinds.get(sub.pk, "FULL"),
        "requiredAudienceSubCategoryIds": [],
        "crossSeatCategory": False,
    }


def audience_categories(point_of_sales):
    organisation_id = point_of_sales.channel.organisation_id
    kinds = _sub_category_kinds(organisation_id)
    categories = (
        AudienceCategory.objects.filter(organisation_id=organisation_id)
        .prefetch_related(
            Prefetch("subcategories", queryset=AudienceSubcategory.objects.order_by("code"))
        )
        .order_by("code")
    )
    result = []
    for category in categories:
        subs = [
            sub
            for sub in category.subcategories.all()
            if point_of_sales.show_member_audience_subcategories or not sub.members_only
        ]
        members = bool(subs) and all(s.members_only for s in subs)
        result.append(
            {
                **_named(category),
                "mainCategory": "MEMBER" if members else "OCCASIONAL",
                "secondaryCategory": "GROUP" if "GROUP" in category.code else "INDIVIDUAL",
                "audienceSubCategories": [audience_sub_category(s, kinds) for s in subs],
            }
        )
    return result


def price_level(grid):
    return {"id": grid.pk, "code": grid.code, "mainCategory": "OCCASIONAL"}


def price_levels(point_of_sales, season_id=None):
    """The price levels (our price grids) of the exported products, of one season or all."""
    grids = PriceGrid.objects.filter(
        products__season__organisation_id=point_of_sales.channel.organisation_id,
        products__state__in=EXPORTED_STATES,
    )
    if season_id is not None:
        grids = grids.filter(products__season_id=season_id)
    return [price_level(g) for g in grids.distinct().order_by("code")]


def season_state(season, today=None):
    today = today or datetime.now(UTC).date()
    return "CLOSED" if season.end_date < today else "RUNNING"


def _day(value, end=False):
    return datetime.combine(value, time(23, 59, 59) if end else time.min, tzinfo=UTC).isoformat()


def season_summary(season):
    return {
        **_named(season),
        "state": season_state(season),
        "start": _day(season.start_date),
        "end": _day(season.end_date, end=True),
    }


# --- products ------------------------------------------------------------------------------------


def _prices(prices):
    return [
        {
            "seatCatId": price.seat_category_id,
            "audSubCatId": price.tariff.audience_subcategory_id,
            "priceLevelId": price.grid_id,
            "amount": thousandths(price.amount),
        }
        for price in prices
    ]


def _place(configuration, prices):
    """Site (venue), space (hall), seat categories and prices: the same for every performance
    of a product in one configuration, so built once and shared."""
    hall = configuration.hall
    categories = list(configuration.seat_categories.all())
    ids = {c.pk for c in categories}
    return {
        "site": _named(hall.venue),
        "space": _named(hall),
        "seatCategories": [{**_named(c), "rank": c.rank} for c in categories],
        "prices": _prices([p for p in prices if p.seat_category_id in ids]),
    }


def _performance(performance, place, with_state=True):
    data = {
        "id": performance.pk,
        "start": iso(performance.start),
        "duration": int(performance.duration.total_seconds()),
        **place,
    }
    if with_state:
        data["state"] = performance.state
    return data


def product_data(product, vat_by_family, places, with_state=True):
    prices = list(product.price_grid.prices.all()) if product.price_grid else []
    performances = []
    for performance in product.performances.all():
        key = (performance.configuration_id, product.price_grid_id)
        if key not in places:
            places[key] = _place(performance.configuration, prices)
        performances.append(_performance(performance, places[key], with_state))
    data = {
        "id": product.pk,
        "code": product.code,
        "productFamilyType": FAMILY_TYPES[product.family],
        "productFamilySubType": product.family,
        "state": product.state,
        "vatCodeId": vat_by_family.get(product.family),
        "externalName": translated(product),
        "externalDescription": translated(product, "description"),
        "seasonId": product.season_id,
        "themes": [
            {**_named(theme), "parentId": theme.parent_id} for theme in product.themes.all()
        ],
        "salesPeriods": [
            {"start": iso(period.start), "end": iso(period.end)}
            for period in product.sales_periods.all()
        ],
    }
    if performances:
        data["event"] = {"performances": performances}
    undated = [p for p in prices if p.seat_category_id is None]
    if undated:
        data["prices"] = _prices(undated)
    return data


def products_queryset(point_of_sales, season_ids=None, families=None):
    products = Product.objects.filter(
        season__organisation_id=point_of_sales.channel.organisation_id,
        state__in=EXPORTED_STATES,
    )
    if season_ids:
        products = products.filter(season_id__in=season_ids)
    if families is not None:
        products = products.filter(family__in=families)
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
            queryset=Price.objects.select_related("tariff").order_by(
                "seat_category_id", "tariff__code"
            ),
        ),
        Prefetch(
            "sales_periods",
            queryset=SalesPeriod.objects.filter(point_of_sales=point_of_sales).order_by("start"),
        ),
    )


def families_of(product_family_types):
    """Our families behind SecuTix's productFamilyTypes (None: every family)."""
    if not product_family_types:
        return None
    return [f for f, t in FAMILY_TYPES.items() if t in set(product_family_types)]


def search_products(point_of_sales, season_ids=None, family_types=None, first=0, count=None):
    """setupService.searchProductsByCriteria: one page of products, in id order."""
    organisation_id = point_of_sales.channel.organisation_id
    products = products_queryset(point_of_sales, season_ids, families_of(family_types))
    products = products.order_by("pk")[first : first + count if count is not None else None]
    _codes, vat_by_family = vat_codes(organisation_id)
    places = {}
    return [product_data(p, vat_by_family, places, with_state=False) for p in products]


def export_catalogue(point_of_sales):
    """catalogData of getCatalogDetailed: {"seasons": [Season]}, dicts and lists (JSON-ready)."""
    organisation_id = point_of_sales.channel.organisation_id
    products = list(products_queryset(point_of_sales))
    _codes, vat_by_family = vat_codes(organisation_id)
    places = {}  # (configuration, price grid) -> site, space, seat categories and prices
    by_season = defaultdict(list)
    grids = defaultdict(dict)
    for product in products:
        by_season[product.season_id].append(product)
        if product.price_grid:
            grids[product.season_id][product.price_grid_id] = product.price_grid
    seasons = Season.objects.filter(pk__in=by_season).order_by("start_date")
    audiences = audience_categories(point_of_sales)
    return {
        "seasons": [
            {
                **season_summary(season),
                "audienceCategories": audiences,
                "priceLevels": [
                    price_level(g) for g in sorted(grids[season.pk].values(), key=lambda g: g.code)
                ],
                "products": [product_data(p, vat_by_family, places) for p in by_season[season.pk]],
            }
            for season in seasons
        ]
    }


def list_seasons(point_of_sales):
    seasons = Season.objects.filter(organisation_id=point_of_sales.channel.organisation_id)
    return [season_summary(s) for s in seasons.order_by("start_date")]


def season_of(point_of_sales, season_id):
    return Season.objects.filter(
        organisation_id=point_of_sales.channel.organisation_id, pk=season_id
    ).first()
