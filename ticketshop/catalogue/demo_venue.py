"""The demo venue's halls, seats and configurations (see `ticketshop.organisation.demo`)."""

from django.utils.translation import gettext as _

from ticketshop.catalogue.models import (
    Block,
    Hall,
    LogicalConfiguration,
    Seat,
    SeatAssignment,
    SeatCategory,
    Venue,
    Zone,
)
from ticketshop.organisation.demo import DemoDataError, _lookup, _texts


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


def load_venue(demo):
    data = demo.data["venue"]
    venue = demo.rows(
        Venue, ("organisation_id", "code"), Venue.objects.filter(organisation=demo.org)
    ).sync(
        organisation_id=demo.org.pk,
        code=data["code"],
        address=data.get("address", ""),
        city=data.get("city", ""),
        **_texts(data, "name"),
    )
    halls = demo.rows(Hall, ("venue_id", "code"), Hall.objects.filter(venue=venue))
    zones = demo.rows(Zone, ("hall_id", "code"), Zone.objects.filter(hall__venue=venue))
    blocks = demo.rows(Block, ("zone_id", "code"), Block.objects.filter(zone__hall__venue=venue))
    configurations = demo.rows(
        LogicalConfiguration,
        ("hall_id", "code"),
        LogicalConfiguration.objects.filter(hall__venue=venue),
    )
    categories = demo.rows(
        SeatCategory,
        ("configuration_id", "code"),
        SeatCategory.objects.filter(configuration__hall__venue=venue),
    )
    demo.configurations = {}
    demo.seat_categories = {}  # (configuration code, category code) → SeatCategory
    for hall_data in data["halls"]:
        hall = halls.sync(venue_id=venue.pk, code=hall_data["code"], **_texts(hall_data, "name"))
        layout = []  # (zone code, block code, row, number, block id)
        for zone_data in hall_data["zones"]:
            zone = zones.sync(hall_id=hall.pk, code=zone_data["code"], **_texts(zone_data, "name"))
            for block_data in zone_data["blocks"]:
                block = blocks.sync(
                    zone_id=zone.pk, code=block_data["code"], **_texts(block_data, "name")
                )
                first = int(block_data.get("first_number", 1))
                for row in _rows_range(block_data["rows"]):
                    for number in range(first, first + int(block_data["seats"])):
                        layout.append((zone.code, block.code, row, number, block.pk))
        seat_ids = sync_seats(demo, hall, layout)
        for config_data in hall_data.get("configurations", []):
            code = config_data["code"]
            if code in demo.configurations:
                raise DemoDataError(_("Configuration %(code)s is defined twice.") % {"code": code})
            config = configurations.sync(hall_id=hall.pk, code=code, **_texts(config_data, "name"))
            demo.configurations[code] = config
            for category in config_data["categories"]:
                demo.seat_categories[code, category["code"]] = categories.sync(
                    configuration_id=config.pk,
                    code=category["code"],
                    rank=int(category.get("rank", 1)),
                    **_texts(category, "name"),
                )
            sync_assignments(demo, config, config_data, layout, seat_ids)


def sync_seats(demo, hall, layout):
    """Create the hall's missing seats in bulk; return {(block id, row, number): seat id}."""
    existing = {
        (block_id, row, number): pk
        for block_id, row, number, pk in Seat.objects.filter(block__zone__hall=hall).values_list(
            "block_id", "row", "number", "pk"
        )
    }
    missing = [
        Seat(block_id=block_id, row=row, number=number)
        for _zone, _block, row, number, block_id in layout
        if (block_id, row, number) not in existing
    ]
    if missing:
        Seat.objects.bulk_create(missing, batch_size=500)
        demo.stats.note(Seat, created=True, count=len(missing))
        existing = dict(
            ((block_id, row, number), pk)
            for block_id, row, number, pk in Seat.objects.filter(
                block__zone__hall=hall
            ).values_list("block_id", "row", "number", "pk")
        )
    return existing


def sync_assignments(demo, config, config_data, layout, seat_ids):
    """Give every seat of the hall its category in `config` (first matching rule wins)."""
    rules = []
    for rule in config_data["assign"]:
        category = _lookup(
            demo.seat_categories, (config.code, rule["category"]), f"{config.code} assignment"
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
        demo.stats.note(SeatAssignment, created=True, count=len(to_create))
    if to_update:
        SeatAssignment.objects.bulk_update(to_update, ["category"], batch_size=500)
        demo.stats.note(SeatAssignment, updated=True, count=len(to_update))
