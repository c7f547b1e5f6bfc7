"""The demo catalogue: seasons, themes, the venue, tariffs, price grids, products, their
performances and sales periods (see `ticketshop.organisation.demo`)."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ticketshop.catalogue.demo_venue import load_venue
from ticketshop.catalogue.models import (
    DATED_FAMILIES,
    AudienceCategory,
    AudienceSubcategory,
    CrossSelling,
    Family,
    Performance,
    Price,
    PriceGrid,
    Product,
    SalesPeriod,
    Season,
    Seat,
    ShowcaseItem,
    State,
    Tariff,
    Theme,
    product_code_validator,
)
from ticketshop.multilingual import LANGUAGES
from ticketshop.organisation.demo import (
    DemoDataError,
    _decimal,
    _lookup,
    _sync_m2m,
    _texts,
    _update,
)


def load(demo):
    """The catalogue part of the demo load (after the organisation's)."""
    load_seasons(demo)
    load_themes(demo)
    load_venue(demo)
    load_tariffs(demo)
    load_price_grids(demo)
    load_products(demo)
    product_ids = [product.pk for product in demo.products.values()]
    demo.counts["products"] = len(product_ids)
    demo.counts["performances"] = Performance.objects.filter(product_id__in=product_ids).count()
    demo.counts["seats"] = Seat.objects.filter(
        block__zone__hall__venue__organisation=demo.org
    ).count()


def load_seasons(demo):
    spec = demo.data["seasons"]
    month, day = int(spec.get("start_month", 9)), int(spec.get("start_day", 1))
    year = demo.today.year if (demo.today.month, demo.today.day) >= (month, day) else None
    year = year or demo.today.year - 1
    seasons = demo.rows(
        Season, ("organisation_id", "code"), Season.objects.filter(organisation=demo.org)
    )
    demo.seasons = []
    for index in range(int(spec.get("count", 2))):
        start_year = year + index
        start = date(start_year, month, day)
        end = date(start_year + 1, month, day) - timedelta(days=1)
        words = {"start": start_year, "end": start_year + 1}
        names = {
            f"name_{language}": spec["name"].get(language, "").format(**words)
            for language in LANGUAGES
        }
        demo.seasons.append(
            seasons.sync(
                organisation_id=demo.org.pk,
                code=spec.get("code", "S{start}_{end}").format(**words),
                start_date=start,
                end_date=end,
                **names,
            )
        )


def load_themes(demo):
    themes = demo.rows(
        Theme, ("organisation_id", "code"), Theme.objects.filter(organisation=demo.org)
    )
    demo.themes = {}
    for theme in demo.data["themes"]:
        parent = themes.sync(
            organisation_id=demo.org.pk,
            code=theme["code"],
            parent_id=None,
            **_texts(theme, "name"),
        )
        demo.themes[theme["code"]] = parent
        for sub in theme.get("sub_themes", []):
            demo.themes[sub["code"]] = themes.sync(
                organisation_id=demo.org.pk,
                code=sub["code"],
                parent_id=parent.pk,
                **_texts(sub, "name"),
            )


def load_tariffs(demo):
    audiences = demo.rows(
        AudienceCategory,
        ("organisation_id", "code"),
        AudienceCategory.objects.filter(organisation=demo.org),
    )
    subcategories = demo.rows(
        AudienceSubcategory,
        ("category_id", "code"),
        AudienceSubcategory.objects.filter(category__organisation=demo.org),
    )
    demo.subcategories = {}
    for audience_data in demo.data["audiences"]:
        audience = audiences.sync(
            organisation_id=demo.org.pk,
            code=audience_data["code"],
            **_texts(audience_data, "name"),
        )
        for sub in audience_data["subcategories"]:
            demo.subcategories[audience.code, sub["code"]] = subcategories.sync(
                category_id=audience.pk,
                code=sub["code"],
                members_only=bool(sub.get("members_only", False)),
                **_texts(sub, "name"),
            )
    tariffs = demo.rows(
        Tariff, ("organisation_id", "code"), Tariff.objects.filter(organisation=demo.org)
    )
    demo.tariffs = {}
    for tariff in demo.data["tariffs"]:
        sub = _lookup(
            demo.subcategories, (tariff["audience"], tariff["subcategory"]), tariff["code"]
        )
        demo.tariffs[tariff["code"]] = tariffs.sync(
            organisation_id=demo.org.pk,
            code=tariff["code"],
            audience_subcategory_id=sub.pk,
            **_texts(tariff, "name"),
        )


def load_price_grids(demo):
    grids = demo.rows(
        PriceGrid, ("organisation_id", "code"), PriceGrid.objects.filter(organisation=demo.org)
    )
    prices = demo.rows(
        Price,
        ("grid_id", "seat_category_id", "tariff_id"),
        Price.objects.filter(grid__organisation=demo.org),
    )
    demo.grids = {}
    for grid_data in demo.data["price_grids"]:
        code = grid_data["code"]
        grid = grids.sync(organisation_id=demo.org.pk, code=code, **_texts(grid_data, "name"))
        demo.grids[code] = grid
        config = grid_data.get("configuration")
        if config:
            by_category = grid_data["prices"].items()
        else:
            by_category = [(None, grid_data["prices"])]
        for category_code, amounts in by_category:
            category = None
            if category_code is not None:
                category = _lookup(demo.seat_categories, (config, category_code), code)
            for tariff_code, amount in amounts.items():
                prices.sync(
                    grid_id=grid.pk,
                    seat_category_id=category.pk if category else None,
                    tariff_id=_lookup(demo.tariffs, tariff_code, code).pk,
                    amount=_decimal(amount, f"{code} {category_code or ''} {tariff_code}"),
                )


def season_of(demo, moment):
    for season in demo.seasons:
        if season.start_date <= moment.date() <= season.end_date:
            return season
    return demo.seasons[-1] if moment.date() > demo.seasons[-1].end_date else demo.seasons[0]


def load_products(demo):
    products = demo.rows(Product, ("code",), Product.objects.filter(season__organisation=demo.org))
    url_pattern = demo.data.get("product_detail_url", "")
    planned = []  # (product, data, [performance values])
    for data in demo.data["products"]:
        code = data["code"]
        try:
            product_code_validator(code)
        except ValidationError as error:
            raise DemoDataError(f"{code}: {' '.join(error.messages)}") from error
        if data["family"] not in Family.values or data["state"] not in State.values:
            raise DemoDataError(_("%(code)s: unknown family or state.") % {"code": code})
        season = None
        if "season" in data:
            season = demo.seasons[{"current": 0, "next": 1}[data["season"]]]
        performances = []
        for spec in data.get("performances", []):
            if "season_day" in spec:
                base = (season or demo.seasons[0]).start_date
                start = demo.moment({**spec, "day": spec["season_day"]}, base, code)
            else:
                start = demo.moment(spec, demo.today, code)
            config = _lookup(
                demo.configurations, spec.get("configuration", data.get("configuration")), code
            )
            performances.append(
                {
                    "start": start,
                    "duration": timedelta(minutes=int(spec.get("duration", data["duration"]))),
                    "state": spec.get("state", data["state"]),
                    "configuration_id": config.pk,
                }
            )
        if performances and data["family"] not in DATED_FAMILIES:
            raise DemoDataError(
                _("%(code)s: a %(family)s has no performances.")
                % {"code": code, "family": data["family"]}
            )
        if season is None:
            season = (
                season_of(demo, min(p["start"] for p in performances))
                if performances
                else demo.seasons[0]
            )
        grid = _lookup(demo.grids, data["price_grid"], code) if data.get("price_grid") else None
        product = products.sync(
            code=code,
            season_id=season.pk,
            family=data["family"],
            state=data["state"],
            product_detail_url=url_pattern.replace("{code}", code.lower()),
            price_grid_id=grid.pk if grid else None,
            quota=data.get("quota"),
            **_texts(data, "name"),
            **_texts(data, "description", required=False),
        )
        planned.append((product, data, performances, season))

    demo.products = {product.code: product for product, *_rest in planned}
    sync_product_relations(demo, planned)
    sync_performances(demo, planned)
    sync_sales_periods(demo, planned)
    sync_cross_selling_and_showcase(demo)


def sync_product_relations(demo, planned):
    ids = [product.pk for product, *_rest in planned]
    current_themes = defaultdict(set)
    for product_id, theme_id in Product.themes.through.objects.filter(
        product_id__in=ids
    ).values_list("product_id", "theme_id"):
        current_themes[product_id].add(theme_id)
    current_components = defaultdict(set)
    for from_id, to_id in Product.components.through.objects.filter(
        from_product_id__in=ids
    ).values_list("from_product_id", "to_product_id"):
        current_components[from_id].add(to_id)
    for product, data, *_rest in planned:
        themes = [_lookup(demo.themes, code, product.code).pk for code in data.get("themes", [])]
        _sync_m2m(product, "themes", themes, current_themes[product.pk], demo.stats)
        components = [
            _lookup(demo.products, code, product.code).pk for code in data.get("components", [])
        ]
        _sync_m2m(product, "components", components, current_components[product.pk], demo.stats)


def sync_performances(demo, planned):
    existing = defaultdict(list)
    for performance in Performance.objects.filter(
        product_id__in=[product.pk for product, *_rest in planned]
    ).order_by("product_id", "pk"):
        existing[performance.product_id].append(performance)
    for product, _data, performances, _season in planned:
        current = existing[product.pk]
        for index, values in enumerate(performances):
            if index < len(current):
                _update(current[index], values, demo.stats)
            else:
                Performance.objects.create(product=product, **values)
                demo.stats.note(Performance, created=True)


def sync_sales_periods(demo, planned):
    periods = demo.rows(
        SalesPeriod,
        ("product_id", "point_of_sales_id"),
        SalesPeriod.objects.filter(product_id__in=[p.pk for p, *_rest in planned]),
    )
    defaults = demo.data.get("sales_defaults", {})
    default_points = defaults.get("points_of_sales", list(demo.points))
    default_open = defaults.get("open", {"day": -60, "time": "10:00"})
    close_time = time.fromisoformat(defaults.get("close_time", "23:59"))
    for product, data, performances, season in planned:
        if "sales" in data and data["sales"] is None:
            continue
        per_point = data.get("sales") or {code: {} for code in default_points}
        if performances:
            default_close = max(p["start"] for p in performances)
        else:
            default_close = datetime.combine(season.end_date, close_time, demo.tz)
        for point_code, override in per_point.items():
            point = _lookup(demo.points, point_code, product.code)
            start = demo.moment(override.get("open", default_open), demo.today, product.code)
            end = (
                demo.moment(override["close"], demo.today, product.code)
                if "close" in override
                else default_close
            )
            if end <= start:
                raise DemoDataError(
                    _("%(code)s: sales must close after they open.") % {"code": product.code}
                )
            periods.sync(product_id=product.pk, point_of_sales_id=point.pk, start=start, end=end)


def sync_cross_selling_and_showcase(demo):
    ids = [product.pk for product in demo.products.values()]
    cross = demo.rows(
        CrossSelling,
        ("product_id", "suggested_id"),
        CrossSelling.objects.filter(product_id__in=ids),
    )
    for item in demo.data.get("cross_selling", []):
        cross.sync(
            product_id=_lookup(demo.products, item["product"], "cross-selling").pk,
            suggested_id=_lookup(demo.products, item["suggested"], "cross-selling").pk,
            rank=int(item.get("rank", 1)),
        )
    showcase = demo.rows(
        ShowcaseItem,
        ("point_of_sales_id", "product_id"),
        ShowcaseItem.objects.filter(point_of_sales__in=demo.points.values()),
    )
    for point_code, codes in demo.data.get("showcase", {}).items():
        point = _lookup(demo.points, point_code, "showcase")
        for rank, code in enumerate(codes, start=1):
            showcase.sync(
                point_of_sales_id=point.pk,
                product_id=_lookup(demo.products, code, "showcase").pk,
                rank=rank,
            )
