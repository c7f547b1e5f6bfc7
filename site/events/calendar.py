"""iCalendar files: one performance ("add to calendar") and a theme's subscribable feed (W6).

The UID of an event is the ticketshop's performance id, so a calendar that subscribed to a feed
and imported a single performance sees one event, updated in place. Times are in UTC."""

import datetime as dt

from django.http import HttpResponse
from icalendar import Calendar, Event

UID_DOMAIN = "performances.thecube.example"
DEFAULT_DURATION = dt.timedelta(hours=2)


def performance_uid(performance):
    return f"performance-{performance['id']}@{UID_DOMAIN}"


def _starts(performance):
    try:
        start = dt.datetime.fromisoformat(performance["start"])
    except (KeyError, TypeError, ValueError):
        return None
    if start.tzinfo is None:
        start = start.replace(tzinfo=dt.UTC)
    return start.astimezone(dt.UTC)


def performance_event(page, performance, url, now=None):
    start = _starts(performance)
    if start is None:
        return None
    minutes = performance.get("durationMinutes")
    duration = dt.timedelta(minutes=int(minutes)) if minutes else DEFAULT_DURATION
    event = Event()
    event.add("uid", performance_uid(performance))
    event.add("dtstamp", (now or dt.datetime.now(dt.UTC)).replace(microsecond=0))
    event.add("dtstart", start)
    event.add("dtend", start + duration)
    event.add("summary", page.title)
    where = ", ".join(x for x in (performance.get("hall"), performance.get("venue")) if x)
    if where:
        event.add("location", where)
    if page.imported_description:
        event.add("description", page.imported_description)
    event.add("url", url)
    event.add("status", "CANCELLED" if performance.get("state") == "CANCELED" else "CONFIRMED")
    return event


def calendar(name, items):
    """`items`: (page, performance, url) triples."""
    cal = Calendar()
    cal.add("prodid", "-//The CUBE//Center for Performing Arts//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    now = dt.datetime.now(dt.UTC)
    for page, performance, url in items:
        event = performance_event(page, performance, url, now)
        if event is not None:
            cal.add_component(event)
    return cal


def ics_response(cal, filename):
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
