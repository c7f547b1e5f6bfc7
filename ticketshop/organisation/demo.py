"""The demo venue "The CUBE, Center for Performing Arts" (issue 2), loaded idempotently.

`load_demo_venue()` reads the declarative description in `fixtures/the_cube.json` and makes the
database match it: every row is found by its natural key (codes; contacts by email) and written
only when it is missing or differs, so a second run writes nothing and leaves every value (even
`updated_at`) as it was. Performances have no code: a product's existing performances are matched
by position (in primary-key order), updated in place, and only the missing ones are created, so a
run on another day moves the dates instead of adding performances. Passwords and contact numbers
are set only when a contact is created.

Each app loads its own part, next to its data: this module the organisation, its channels and
points of sales (and the helpers every part uses); an app above names its loader in its
AppConfig (`demo_loader = "ticketshop.catalogue.demo.load"`), and the loaders run in
INSTALLED_APPS order, lower layers first. The organisation never imports the layers above it.
"""

import json
from collections import Counter
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from ticketshop.multilingual import LANGUAGES
from ticketshop.organisation.models import Organisation, PointOfSales, SalesChannel

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "fixtures" / "the_cube.json"


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


class DemoLoad:
    """One run of the demo load: the description, the anchor date, the rows each part has
    loaded (`org`, `points`, `seasons`…) for the parts after it, and the counts."""

    def __init__(self, data, today):
        self.data = data
        self.today = today
        self.stats = _Stats()
        self.counts = {}  # what the summary reports: products, performances, seats, contacts

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

    def summary(self):
        return {
            "organisation": self.org.code,
            **self.counts,
            "created": sum(self.stats.created.values()),
            "updated": sum(self.stats.updated.values()),
            "created_by_model": dict(self.stats.created),
            "updated_by_model": dict(self.stats.updated),
        }


def load_organisation(demo):
    data = demo.data["organisation"]
    demo.tz = ZoneInfo(data.get("time_zone", "Europe/Paris"))
    organisations = demo.rows(
        Organisation, ("code",), Organisation.objects.filter(code=data["code"])
    )
    demo.org = organisations.sync(
        code=data["code"],
        name=data["name"],
        currency=data.get("currency", "EUR"),
        time_zone=data.get("time_zone", "Europe/Paris"),
    )
    channels = demo.rows(
        SalesChannel,
        ("organisation_id", "code"),
        SalesChannel.objects.filter(organisation=demo.org),
    )
    demo.channels = {}
    for channel in demo.data["channels"]:
        demo.channels[channel["code"]] = channels.sync(
            organisation_id=demo.org.pk,
            code=channel["code"],
            name=channel["name"],
            kind=channel.get("kind", SalesChannel.Kind.INTERNET),
        )
    codes = [pos["code"] for pos in demo.data["points_of_sales"]]
    points = demo.rows(PointOfSales, ("code",), PointOfSales.objects.filter(code__in=codes))
    demo.points = {}
    for pos in demo.data["points_of_sales"]:
        values = {"code": pos["code"], "name": pos["name"]}
        channel = _lookup(demo.channels, pos["channel"], pos["code"])
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
        if existing and existing.channel.organisation_id != demo.org.pk:
            raise DemoDataError(
                _("Point of sales %(code)s already belongs to another organisation.")
                % {"code": pos["code"]}
            )
        demo.points[pos["code"]] = points.sync(**values)


def demo_loaders():
    """The loaders the apps above name in their AppConfig, lower layers first."""
    return [
        import_string(config.demo_loader)
        for config in apps.get_app_configs()
        if getattr(config, "demo_loader", None)
    ]


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
    demo = DemoLoad(data, today)
    try:
        with transaction.atomic():
            load_organisation(demo)
            for load in demo_loaders():
                load(demo)
            return demo.summary()
    except KeyError as error:
        raise DemoDataError(
            _("The demo description lacks the required entry %(key)s.") % {"key": error}
        ) from error
