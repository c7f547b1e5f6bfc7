"""The demo venue "The CUBE, Center for Performing Arts" (issue 2), loaded idempotently.

`load_demo_venue()` reads the declarative description in `fixtures/the_cube.json` and makes the
database match it: every row is found by its natural key (codes; contacts by email) and written
only when it is missing or differs, so a second run writes nothing and leaves every value (even
`updated_at`) as it was. Performances have no code: a product's existing performances are matched
by position (in primary-key order), updated in place, and only the missing ones are created, so a
run on another day moves the dates instead of adding performances. Passwords and contact numbers
are set only when a contact is created.
"""

import json
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from ticketshop.catalogue.models import (
    DATED_FAMILIES,
    AudienceCategory,
    AudienceSubcategory,
    Block,
    CrossSelling,
    Family,
    Hall,
    LogicalConfiguration,
    Performance,
    Price,
    PriceGrid,
    Product,
    SalesPeriod,
    Season,
    Seat,
    SeatAssignment,
    SeatCategory,
    ShowcaseItem,
    State,
    Tariff,
    Theme,
    Venue,
    Zone,
    product_code_validator,
)
from ticketshop.contacts.models import (
    Address,
    Consent,
    Contact,
    ContactLink,
    Criterion,
    LegalAuthorisation,
    RelationKind,
)
from ticketshop.contacts.services import create_link, reserve_contact_numbers_up_to
from ticketshop.multilingual import LANGUAGES
from ticketshop.organisation.models import Organisation, PointOfSales, SalesChannel

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "the_cube.json"


class DemoDataError(ValueError):
    """The demo description is inconsistent; nothing has been written."""


class _Stats:
    def __init__(self):
        self.created = Counter()
        self.updated = Counter()

    def note(self, model, created=False, updated=False, count=1):
        if not count:
            return
        if created:
            self.created[model.__name__] += count
        elif updated:
            self.updated[model.__name__] += count


class _Rows:
    """The existing rows of one model, by natural key, loaded in one query.

    `sync(**values)` creates the row when its key is missing, or saves it when a value differs;
    an identical row is left untouched (no query at all).
    """

    def __init__(self, model, key, queryset, stats):
        self.model = model
        self.key = key
        self.stats = stats
        self.rows = {self._key_of(obj): obj for obj in queryset}

    def _key_of(self, obj):
        return tuple(getattr(obj, name) for name in self.key)

    def get(self, *key):
        return self.rows.get(tuple(key))

    def sync(self, **values):
        key = tuple(values[name] for name in self.key)
        obj = self.rows.get(key)
        if obj is None:
            obj = self.model(**values)
            obj.save()
            self.rows[key] = obj
            self.stats.note(self.model, created=True)
            return obj
        _update(obj, values, self.stats)
        return obj


def _update(obj, values, stats):
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
        stats.note(type(obj), updated=True)
    return bool(changed)


def _sync_m2m(obj, field_name, wanted_ids, current_ids, stats):
    """Make a many-to-many field hold `wanted_ids`; added links count as created rows."""
    wanted, current = set(wanted_ids), set(current_ids)
    if wanted != current:
        getattr(obj, field_name).set(wanted)
        through = getattr(type(obj), field_name).through
        stats.note(through, created=True, count=len(wanted - current))
        stats.note(through, updated=True, count=len(current - wanted))


def _texts(data, prefix, required=True):
    """{"en": …, "fr": …} → {"name_en": …, "name_fr": …} (English required, others optional)."""
    texts = data.get(prefix) or {}
    if required and not texts.get("en"):
        raise DemoDataError(
            _("%(what)s needs an English %(prefix)s.") % {"what": _what(data), "prefix": prefix}
        )
    unknown = set(texts) - set(LANGUAGES)
    if unknown:
        raise DemoDataError(
            _("%(what)s has texts in unknown languages: %(languages)s.")
            % {"what": _what(data), "languages": ", ".join(sorted(unknown))}
        )
    return {f"{prefix}_{language}": texts.get(language, "") for language in LANGUAGES}


def _what(data):
    return data.get("code") or data.get("email") or repr(data)[:60]


def _decimal(value, what):
    try:
        return Decimal(str(value))
    except InvalidOperation as error:
        raise DemoDataError(
            _("%(what)s: %(value)r is not a decimal number.") % {"what": what, "value": value}
        ) from error


def _lookup(mapping, key, what):
    try:
        return mapping[key]
    except KeyError as error:
        raise DemoDataError(
            _("%(what)s refers to %(key)s, which the demo does not define.")
            % {"what": what, "key": key}
        ) from error


def _rows_range(spec):
    """ "A-L" → ["A", …, "L"]; a list is taken as it is."""
    if isinstance(spec, list):
        return [str(row) for row in spec]
    first, _sep, last = str(spec).partition("-")
    last = last or first
    if len(first) != 1 or len(last) != 1 or ord(last) < ord(first):
        raise DemoDataError(_("%(spec)r is not a row range such as A-L.") % {"spec": spec})
    return [chr(code) for code in range(ord(first), ord(last) + 1)]


def _category_for(rules, zone, block, row):
    """The category of the first rule matching the seat's zone, block and row."""
    for rule_zone, rule_blocks, rule_rows, category_id in rules:
        if (
            (rule_zone is None or rule_zone == zone)
            and (not rule_blocks or block in rule_blocks)
            and (rule_rows is None or row in rule_rows)
        ):
            return category_id
    return None


class _Loader:
    def __init__(self, data, today):
        self.data = data
        self.today = today
        self.stats = _Stats()

    # ---- helpers -------------------------------------------------------------------------
    def rows(self, model, key, queryset=None):
        queryset = model._default_manager.all() if queryset is None else queryset
        return _Rows(model, key, queryset, self.stats)

    def moment(self, spec, base_date, what):
        """{"day": 12, "time": "20:00"} → an aware datetime in the organisation's time zone."""
        try:
            clock = time.fromisoformat(spec.get("time", "00:00"))
            return datetime.combine(base_date + timedelta(days=int(spec["day"])), clock, self.tz)
        except (KeyError, TypeError, ValueError) as error:
            raise DemoDataError(
                _('%(what)s: %(spec)r is not a date such as {"day": 12, "time": "20:00"}.')
                % {"what": what, "spec": spec}
            ) from error

    # ---- the load ------------------------------------------------------------------------
    def run(self):
        self.load_organisation()
        self.load_seasons()
        self.load_themes()
        self.load_venue()
        self.load_tariffs()
        self.load_price_grids()
        self.load_products()
        self.load_contacts()
        return self.summary()

    def load_organisation(self):
        data = self.data["organisation"]
        self.tz = ZoneInfo(data.get("time_zone", "Europe/Paris"))
        organisations = self.rows(
            Organisation, ("code",), Organisation.objects.filter(code=data["code"])
        )
        self.org = organisations.sync(
            code=data["code"],
            name=data["name"],
            currency=data.get("currency", "EUR"),
            time_zone=data.get("time_zone", "Europe/Paris"),
        )
        channels = self.rows(
            SalesChannel,
            ("organisation_id", "code"),
            SalesChannel.objects.filter(organisation=self.org),
        )
        self.channels = {}
        for channel in self.data["channels"]:
            self.channels[channel["code"]] = channels.sync(
                organisation_id=self.org.pk,
                code=channel["code"],
                name=channel["name"],
                kind=channel.get("kind", SalesChannel.Kind.INTERNET),
            )
        codes = [pos["code"] for pos in self.data["points_of_sales"]]
        points = self.rows(PointOfSales, ("code",), PointOfSales.objects.filter(code__in=codes))
        self.points = {}
        for pos in self.data["points_of_sales"]:
            values = {"code": pos["code"], "name": pos["name"]}
            channel = _lookup(self.channels, pos["channel"], pos["code"])
            values["channel_id"] = channel.pk
            for name, value in pos.items():
                if name in ("code", "name", "channel"):
                    continue
                try:
                    field = PointOfSales._meta.get_field(name)
                except FieldDoesNotExist as error:
                    raise DemoDataError(
                        _("Point of sales %(code)s: unknown setting %(name)s.")
                        % {"code": pos["code"], "name": name}
                    ) from error
                if isinstance(field, models.DecimalField):
                    value = _decimal(value, f"{pos['code']}.{name}")
                values[name] = value
            existing = points.get(pos["code"])
            if existing and existing.channel.organisation_id != self.org.pk:
                raise DemoDataError(
                    _("Point of sales %(code)s already belongs to another organisation.")
                    % {"code": pos["code"]}
                )
            self.points[pos["code"]] = points.sync(**values)

    def load_seasons(self):
        spec = self.data["seasons"]
        month, day = int(spec.get("start_month", 9)), int(spec.get("start_day", 1))
        year = self.today.year if (self.today.month, self.today.day) >= (month, day) else None
        year = year or self.today.year - 1
        seasons = self.rows(
            Season, ("organisation_id", "code"), Season.objects.filter(organisation=self.org)
        )
        self.seasons = []
        for index in range(int(spec.get("count", 2))):
            start_year = year + index
            start = date(start_year, month, day)
            end = date(start_year + 1, month, day) - timedelta(days=1)
            words = {"start": start_year, "end": start_year + 1}
            names = {
                f"name_{language}": spec["name"].get(language, "").format(**words)
                for language in LANGUAGES
            }
            self.seasons.append(
                seasons.sync(
                    organisation_id=self.org.pk,
                    code=spec.get("code", "S{start}_{end}").format(**words),
                    start_date=start,
                    end_date=end,
                    **names,
                )
            )

    def load_themes(self):
        themes = self.rows(
            Theme, ("organisation_id", "code"), Theme.objects.filter(organisation=self.org)
        )
        self.themes = {}
        for theme in self.data["themes"]:
            parent = themes.sync(
                organisation_id=self.org.pk,
                code=theme["code"],
                parent_id=None,
                **_texts(theme, "name"),
            )
            self.themes[theme["code"]] = parent
            for sub in theme.get("sub_themes", []):
                self.themes[sub["code"]] = themes.sync(
                    organisation_id=self.org.pk,
                    code=sub["code"],
                    parent_id=parent.pk,
                    **_texts(sub, "name"),
                )

    def load_venue(self):
        data = self.data["venue"]
        venue = self.rows(
            Venue, ("organisation_id", "code"), Venue.objects.filter(organisation=self.org)
        ).sync(
            organisation_id=self.org.pk,
            code=data["code"],
            address=data.get("address", ""),
            city=data.get("city", ""),
            **_texts(data, "name"),
        )
        halls = self.rows(Hall, ("venue_id", "code"), Hall.objects.filter(venue=venue))
        zones = self.rows(Zone, ("hall_id", "code"), Zone.objects.filter(hall__venue=venue))
        blocks = self.rows(
            Block, ("zone_id", "code"), Block.objects.filter(zone__hall__venue=venue)
        )
        configurations = self.rows(
            LogicalConfiguration,
            ("hall_id", "code"),
            LogicalConfiguration.objects.filter(hall__venue=venue),
        )
        categories = self.rows(
            SeatCategory,
            ("configuration_id", "code"),
            SeatCategory.objects.filter(configuration__hall__venue=venue),
        )
        self.configurations = {}
        self.seat_categories = {}  # (configuration code, category code) → SeatCategory
        for hall_data in data["halls"]:
            hall = halls.sync(
                venue_id=venue.pk, code=hall_data["code"], **_texts(hall_data, "name")
            )
            layout = []  # (zone code, block code, row, number, block id)
            for zone_data in hall_data["zones"]:
                zone = zones.sync(
                    hall_id=hall.pk, code=zone_data["code"], **_texts(zone_data, "name")
                )
                for block_data in zone_data["blocks"]:
                    block = blocks.sync(
                        zone_id=zone.pk, code=block_data["code"], **_texts(block_data, "name")
                    )
                    first = int(block_data.get("first_number", 1))
                    for row in _rows_range(block_data["rows"]):
                        for number in range(first, first + int(block_data["seats"])):
                            layout.append((zone.code, block.code, row, number, block.pk))
            seat_ids = self.sync_seats(hall, layout)
            for config_data in hall_data.get("configurations", []):
                code = config_data["code"]
                if code in self.configurations:
                    raise DemoDataError(
                        _("Configuration %(code)s is defined twice.") % {"code": code}
                    )
                config = configurations.sync(
                    hall_id=hall.pk, code=code, **_texts(config_data, "name")
                )
                self.configurations[code] = config
                for category in config_data["categories"]:
                    self.seat_categories[code, category["code"]] = categories.sync(
                        configuration_id=config.pk,
                        code=category["code"],
                        rank=int(category.get("rank", 1)),
                        **_texts(category, "name"),
                    )
                self.sync_assignments(config, config_data, layout, seat_ids)

    def sync_seats(self, hall, layout):
        """Create the hall's missing seats in bulk; return {(block id, row, number): seat id}."""
        existing = {
            (block_id, row, number): pk
            for block_id, row, number, pk in Seat.objects.filter(
                block__zone__hall=hall
            ).values_list("block_id", "row", "number", "pk")
        }
        missing = [
            Seat(block_id=block_id, row=row, number=number)
            for _zone, _block, row, number, block_id in layout
            if (block_id, row, number) not in existing
        ]
        if missing:
            Seat.objects.bulk_create(missing, batch_size=500)
            self.stats.note(Seat, created=True, count=len(missing))
            existing = dict(
                ((block_id, row, number), pk)
                for block_id, row, number, pk in Seat.objects.filter(
                    block__zone__hall=hall
                ).values_list("block_id", "row", "number", "pk")
            )
        return existing

    def sync_assignments(self, config, config_data, layout, seat_ids):
        """Give every seat of the hall its category in `config` (first matching rule wins)."""
        rules = []
        for rule in config_data["assign"]:
            category = _lookup(
                self.seat_categories, (config.code, rule["category"]), f"{config.code} assignment"
            )
            rows = set(_rows_range(rule["rows"])) if "rows" in rule else None
            rules.append((rule.get("zone"), set(rule.get("blocks", [])), rows, category.pk))
        existing = {
            seat_id: (pk, category_id)
            for seat_id, pk, category_id in SeatAssignment.objects.filter(
                configuration=config
            ).values_list("seat_id", "pk", "category_id")
        }
        to_create, to_update = [], []
        for zone, block, row, number, block_id in layout:
            category_id = _category_for(rules, zone, block, row)
            if category_id is None:
                raise DemoDataError(
                    _("No category rule of %(config)s matches seat %(seat)s.")
                    % {"config": config.code, "seat": f"{zone} {block} {row}-{number}"}
                )
            seat_id = seat_ids[block_id, row, number]
            if seat_id not in existing:
                to_create.append(
                    SeatAssignment(configuration=config, seat_id=seat_id, category_id=category_id)
                )
            elif existing[seat_id][1] != category_id:
                to_update.append(SeatAssignment(pk=existing[seat_id][0], category_id=category_id))
        if to_create:
            SeatAssignment.objects.bulk_create(to_create, batch_size=500)
            self.stats.note(SeatAssignment, created=True, count=len(to_create))
        if to_update:
            SeatAssignment.objects.bulk_update(to_update, ["category"], batch_size=500)
            self.stats.note(SeatAssignment, updated=True, count=len(to_update))

    def load_tariffs(self):
        audiences = self.rows(
            AudienceCategory,
            ("organisation_id", "code"),
            AudienceCategory.objects.filter(organisation=self.org),
        )
        subcategories = self.rows(
            AudienceSubcategory,
            ("category_id", "code"),
            AudienceSubcategory.objects.filter(category__organisation=self.org),
        )
        self.subcategories = {}
        for audience_data in self.data["audiences"]:
            audience = audiences.sync(
                organisation_id=self.org.pk,
                code=audience_data["code"],
                **_texts(audience_data, "name"),
            )
            for sub in audience_data["subcategories"]:
                self.subcategories[audience.code, sub["code"]] = subcategories.sync(
                    category_id=audience.pk,
                    code=sub["code"],
                    members_only=bool(sub.get("members_only", False)),
                    **_texts(sub, "name"),
                )
        tariffs = self.rows(
            Tariff, ("organisation_id", "code"), Tariff.objects.filter(organisation=self.org)
        )
        self.tariffs = {}
        for tariff in self.data["tariffs"]:
            sub = _lookup(
                self.subcategories, (tariff["audience"], tariff["subcategory"]), tariff["code"]
            )
            self.tariffs[tariff["code"]] = tariffs.sync(
                organisation_id=self.org.pk,
                code=tariff["code"],
                audience_subcategory_id=sub.pk,
                **_texts(tariff, "name"),
            )

    def load_price_grids(self):
        grids = self.rows(
            PriceGrid, ("organisation_id", "code"), PriceGrid.objects.filter(organisation=self.org)
        )
        prices = self.rows(
            Price,
            ("grid_id", "seat_category_id", "tariff_id"),
            Price.objects.filter(grid__organisation=self.org),
        )
        self.grids = {}
        for grid_data in self.data["price_grids"]:
            code = grid_data["code"]
            grid = grids.sync(organisation_id=self.org.pk, code=code, **_texts(grid_data, "name"))
            self.grids[code] = grid
            config = grid_data.get("configuration")
            if config:
                by_category = grid_data["prices"].items()
            else:
                by_category = [(None, grid_data["prices"])]
            for category_code, amounts in by_category:
                category = None
                if category_code is not None:
                    category = _lookup(self.seat_categories, (config, category_code), code)
                for tariff_code, amount in amounts.items():
                    prices.sync(
                        grid_id=grid.pk,
                        seat_category_id=category.pk if category else None,
                        tariff_id=_lookup(self.tariffs, tariff_code, code).pk,
                        amount=_decimal(amount, f"{code} {category_code or ''} {tariff_code}"),
                    )

    def season_of(self, moment):
        for season in self.seasons:
            if season.start_date <= moment.date() <= season.end_date:
                return season
        return self.seasons[-1] if moment.date() > self.seasons[-1].end_date else self.seasons[0]

    def load_products(self):
        products = self.rows(
            Product, ("code",), Product.objects.filter(season__organisation=self.org)
        )
        url_pattern = self.data.get("product_detail_url", "")
        planned = []  # (product, data, [performance values])
        for data in self.data["products"]:
            code = data["code"]
            try:
                product_code_validator(code)
            except ValidationError as error:
                raise DemoDataError(f"{code}: {' '.join(error.messages)}") from error
            if data["family"] not in Family.values or data["state"] not in State.values:
                raise DemoDataError(_("%(code)s: unknown family or state.") % {"code": code})
            season = None
            if "season" in data:
                season = self.seasons[{"current": 0, "next": 1}[data["season"]]]
            performances = []
            for spec in data.get("performances", []):
                if "season_day" in spec:
                    base = (season or self.seasons[0]).start_date
                    start = self.moment({**spec, "day": spec["season_day"]}, base, code)
                else:
                    start = self.moment(spec, self.today, code)
                config = _lookup(
                    self.configurations, spec.get("configuration", data.get("configuration")), code
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
                    self.season_of(min(p["start"] for p in performances))
                    if performances
                    else self.seasons[0]
                )
            grid = _lookup(self.grids, data["price_grid"], code) if data.get("price_grid") else None
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

        self.products = {product.code: product for product, *_rest in planned}
        self.sync_product_relations(planned)
        self.sync_performances(planned)
        self.sync_sales_periods(planned)
        self.sync_cross_selling_and_showcase()

    def sync_product_relations(self, planned):
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
            themes = [
                _lookup(self.themes, code, product.code).pk for code in data.get("themes", [])
            ]
            _sync_m2m(product, "themes", themes, current_themes[product.pk], self.stats)
            components = [
                _lookup(self.products, code, product.code).pk for code in data.get("components", [])
            ]
            _sync_m2m(product, "components", components, current_components[product.pk], self.stats)

    def sync_performances(self, planned):
        existing = defaultdict(list)
        for performance in Performance.objects.filter(
            product_id__in=[product.pk for product, *_rest in planned]
        ).order_by("product_id", "pk"):
            existing[performance.product_id].append(performance)
        for product, _data, performances, _season in planned:
            current = existing[product.pk]
            for index, values in enumerate(performances):
                if index < len(current):
                    _update(current[index], values, self.stats)
                else:
                    Performance.objects.create(product=product, **values)
                    self.stats.note(Performance, created=True)

    def sync_sales_periods(self, planned):
        periods = self.rows(
            SalesPeriod,
            ("product_id", "point_of_sales_id"),
            SalesPeriod.objects.filter(product_id__in=[p.pk for p, *_rest in planned]),
        )
        defaults = self.data.get("sales_defaults", {})
        default_points = defaults.get("points_of_sales", list(self.points))
        default_open = defaults.get("open", {"day": -60, "time": "10:00"})
        close_time = time.fromisoformat(defaults.get("close_time", "23:59"))
        for product, data, performances, season in planned:
            if "sales" in data and data["sales"] is None:
                continue
            per_point = data.get("sales") or {code: {} for code in default_points}
            if performances:
                default_close = max(p["start"] for p in performances)
            else:
                default_close = datetime.combine(season.end_date, close_time, self.tz)
            for point_code, override in per_point.items():
                point = _lookup(self.points, point_code, product.code)
                start = self.moment(override.get("open", default_open), self.today, product.code)
                end = (
                    self.moment(override["close"], self.today, product.code)
                    if "close" in override
                    else default_close
                )
                if end <= start:
                    raise DemoDataError(
                        _("%(code)s: sales must close after they open.") % {"code": product.code}
                    )
                periods.sync(
                    product_id=product.pk, point_of_sales_id=point.pk, start=start, end=end
                )

    def sync_cross_selling_and_showcase(self):
        ids = [product.pk for product in self.products.values()]
        cross = self.rows(
            CrossSelling,
            ("product_id", "suggested_id"),
            CrossSelling.objects.filter(product_id__in=ids),
        )
        for item in self.data.get("cross_selling", []):
            cross.sync(
                product_id=_lookup(self.products, item["product"], "cross-selling").pk,
                suggested_id=_lookup(self.products, item["suggested"], "cross-selling").pk,
                rank=int(item.get("rank", 1)),
            )
        showcase = self.rows(
            ShowcaseItem,
            ("point_of_sales_id", "product_id"),
            ShowcaseItem.objects.filter(point_of_sales__in=self.points.values()),
        )
        for point_code, codes in self.data.get("showcase", {}).items():
            point = _lookup(self.points, point_code, "showcase")
            for rank, code in enumerate(codes, start=1):
                showcase.sync(
                    point_of_sales_id=point.pk,
                    product_id=_lookup(self.products, code, "showcase").pk,
                    rank=rank,
                )

    def load_contacts(self):
        org_rows = {}
        for model, key in (
            (RelationKind, "relation_kinds"),
            (Criterion, "criteria"),
            (LegalAuthorisation, "legal_authorisations"),
        ):
            rows = self.rows(
                model, ("organisation_id", "code"), model.objects.filter(organisation=self.org)
            )
            org_rows[key] = {}
            for item in self.data.get(key, []):
                extra = {"is_family": bool(item.get("is_family"))} if model is RelationKind else {}
                org_rows[key][item["code"]] = rows.sync(
                    organisation_id=self.org.pk, code=item["code"], **extra, **_texts(item, "name")
                )
        kinds, criteria, authorisations = (
            org_rows["relation_kinds"],
            org_rows["criteria"],
            org_rows["legal_authorisations"],
        )

        specs = self.data.get("contacts", [])
        emails = [spec["email"].strip().lower() for spec in specs]
        existing = {
            contact.email_lower: contact
            for contact in Contact.objects.annotate(email_lower=Lower("email")).filter(
                email_lower__in=emails
            )
        }
        contacts = {}
        highest_number = 0
        for spec, email in zip(specs, emails, strict=True):
            values = {
                "organisation_id": self.org.pk,
                "email": spec["email"].strip(),
                "title": spec.get("title", ""),
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
                "language": spec.get("language", "en"),
                "phone": spec.get("phone", ""),
                "email_confirmed": bool(spec.get("email_confirmed", False)),
            }
            number = spec.get("contact_number")
            if number:
                highest_number = max(highest_number, int(number))
            contact = existing.get(email)
            if contact is None:
                if number and Contact.objects.filter(contact_number=number).exists():
                    raise DemoDataError(
                        _("Contact number %(number)s already belongs to another contact.")
                        % {"number": number}
                    )
                contact = Contact(**values)
                if number:
                    contact.contact_number = str(number)
                if spec.get("password"):
                    contact.set_password(spec["password"])
                contact.save()
                self.stats.note(Contact, created=True)
            else:
                if contact.organisation_id != self.org.pk:
                    raise DemoDataError(
                        _("%(email)s is a contact of another organisation.") % {"email": email}
                    )
                _update(contact, values, self.stats)
            contacts[email] = (contact, spec)
        if highest_number:
            reserve_contact_numbers_up_to(highest_number)

        ids = [contact.pk for contact, _spec in contacts.values()]
        addresses = self.rows(
            Address, ("contact_id", "label"), Address.objects.filter(contact_id__in=ids)
        )
        consents = self.rows(
            Consent,
            ("contact_id", "authorisation_id"),
            Consent.objects.filter(contact_id__in=ids),
        )
        links = {
            (link.parent_id, link.child_id): link
            for link in ContactLink.objects.filter(child_id__in=ids)
        }
        interests = defaultdict(set)
        for contact_id, criterion_id in Contact.interests.through.objects.filter(
            contact_id__in=ids
        ).values_list("contact_id", "criterion_id"):
            interests[contact_id].add(criterion_id)

        for contact, spec in contacts.values():
            address = spec.get("address")
            if address:
                addresses.sync(
                    contact_id=contact.pk,
                    label=address.get("label", ""),
                    line1=address["line1"],
                    line2=address.get("line2", ""),
                    postcode=address["postcode"],
                    city=address["city"],
                    country=address["country"],
                    is_default=True,
                )
            wanted = [
                _lookup(criteria, code, contact.email).pk for code in spec.get("interests", [])
            ]
            _sync_m2m(contact, "interests", wanted, interests[contact.pk], self.stats)
            for code, granted in spec.get("consents", {}).items():
                consents.sync(
                    contact_id=contact.pk,
                    authorisation_id=_lookup(authorisations, code, contact.email).pk,
                    granted=bool(granted),
                )
            parent_spec = spec.get("parent")
            if parent_spec:
                parent, _parent_spec = _lookup(
                    contacts, parent_spec["email"].lower(), contact.email
                )
                kind = _lookup(kinds, parent_spec["kind"], contact.email)
                link = links.get((parent.pk, contact.pk))
                if link is None:
                    try:
                        create_link(parent, contact, kind)
                    except ValidationError as error:
                        raise DemoDataError(" ".join(error.messages)) from error
                    self.stats.note(ContactLink, created=True)
                else:
                    _update(link, {"kind_id": kind.pk}, self.stats)
        self.contacts = {email: contact for email, (contact, _spec) in contacts.items()}

    def summary(self):
        product_ids = [product.pk for product in self.products.values()]
        return {
            "organisation": self.org.code,
            "products": len(product_ids),
            "performances": Performance.objects.filter(product_id__in=product_ids).count(),
            "seats": Seat.objects.filter(block__zone__hall__venue__organisation=self.org).count(),
            "contacts": len(self.contacts),
            "created": sum(self.stats.created.values()),
            "updated": sum(self.stats.updated.values()),
            "created_by_model": dict(self.stats.created),
            "updated_by_model": dict(self.stats.updated),
        }


def read_demo_data(path=None):
    path = Path(path) if path else DEFAULT_PATH
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DemoDataError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
        ) from error
    except json.JSONDecodeError as error:
        raise DemoDataError(
            _("%(path)s is not valid JSON: %(error)s") % {"path": path, "error": error}
        ) from error


def load_demo_venue(path=None, today=None):
    """Make the database hold the demo venue described in `path` (fixtures/the_cube.json).

    `today` (a date) anchors the seasons, performance dates and sales periods; by default it is
    today in the organisation's time zone. Returns a summary dict of counts. All or nothing:
    on a DemoDataError (or any other error) nothing is written.
    """
    data = read_demo_data(path)
    if today is None:
        time_zone = ZoneInfo(data.get("organisation", {}).get("time_zone", "Europe/Paris"))
        today = datetime.now(time_zone).date()
    try:
        with transaction.atomic():
            return _Loader(data, today).run()
    except KeyError as error:
        raise DemoDataError(
            _("The demo description lacks the required entry %(key)s.") % {"key": error}
        ) from error
