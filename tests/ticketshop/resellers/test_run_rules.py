"""R10: the cascade guard's rules, each pinned (issue 18: `make mutate` on the reseller runs).

Through the runs' public face against the bundled sandbox over SOAP: no export while seats are
at the reseller and its sales are not followed — the last real sales integration failed, never
ran, or is older than CASCADE_HOURS. A dry run or a refused run is not that integration."""

import datetime as dt

import pytest
from django.utils import timezone

from ticketshop.resellers import services
from ticketshop.resellers.models import ResellerInterface, Run

from .test_runs import exported, mode

pytestmark = pytest.mark.django_db(transaction=True)


def guard(fnac, now=None):
    """What a dry-run export says of the guard: None when it lets the export through."""
    run = services.export_contingents(fnac, dry_run=True, now=now)
    messages = list(run.errors.values_list("message", flat=True))
    assert run.state == (Run.State.FAILED if messages else Run.State.OK)
    return messages[0] if messages else None


def test_the_cascade_guard_follows_the_last_real_sales_integration(fnac, shop):
    exported(fnac, shop, count=2)
    assert "failed or never ran" in guard(fnac)
    integration = services.integrate_sales(fnac)
    assert integration.state == Run.State.OK and guard(fnac) is None
    # its age: up to CASCADE_HOURS (24 h by default), not beyond
    assert guard(fnac, now=integration.ended_at + dt.timedelta(hours=23, minutes=59)) is None
    late = guard(fnac, now=integration.ended_at + dt.timedelta(hours=24, minutes=1))
    assert late == "Cascade guard: the last sales integration is older than 24 h."
    # a dry run that failed is not the last integration
    mode("down")
    assert services.integrate_sales(fnac, dry_run=True).state == Run.State.FAILED
    assert guard(fnac) is None
    # nor is a run refused because another held the interface
    ResellerInterface.objects.filter(pk=fnac.pk).update(
        locked_by="0123@other-host:1", locked_until=timezone.now() + dt.timedelta(minutes=5)
    )
    assert services.integrate_sales(fnac).state == Run.State.REFUSED
    ResellerInterface.objects.filter(pk=fnac.pk).update(locked_by="", locked_until=None)
    assert guard(fnac) is None
    # a real one that failed is
    assert services.integrate_sales(fnac).state == Run.State.FAILED
    assert "failed or never ran" in guard(fnac)
    mode("normal")
    assert services.integrate_sales(fnac).state == Run.State.OK and guard(fnac) is None


def test_without_seats_at_the_reseller_the_guard_lets_exports_through(fnac, shop):
    assert guard(fnac) is None  # nothing exported, no integration ever: nothing to follow
    exported(fnac, shop, count=2)  # (the first export passes the guard)
