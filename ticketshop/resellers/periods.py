"""The period of a reseller report (R11): two calendar dates, both included, read in the
organisation's time zone. Bad input is a ValidationError that says what is wrong."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

MAX_DAYS = 400  # a season and a little more: longer periods are refused, never cut silently


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date

    @property
    def start(self):
        """The first moment of the period (aware)."""
        return timezone.make_aware(dt.datetime.combine(self.first, dt.time.min))

    @property
    def end(self):
        """The first moment after the period (aware): periods are [start, end)."""
        return timezone.make_aware(
            dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min)
        )

    def __str__(self):
        return f"{self.first.isoformat()} – {self.last.isoformat()}"


def _date(value, label):
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Give the %(field)s date (YYYY-MM-DD).") % {"field": label})
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a date: give the %(field)s date as YYYY-MM-DD.")
            % {"value": value[:40], "field": label}
        ) from None


def parse_period(first, last):
    """Period from two 'YYYY-MM-DD' strings, or ValidationError."""
    start = _date(first, _("first"))
    end = _date(last, _("last"))
    if end < start:
        raise ValidationError(_("The period ends before it starts."))
    if (end - start).days >= MAX_DAYS:
        raise ValidationError(
            _("The period is too long: %(max)s days at most.") % {"max": MAX_DAYS}
        )
    return Period(start, end)
