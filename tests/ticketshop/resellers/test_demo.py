"""The demo's reseller interfaces (issues 10, 11): FNAC, Ticketnet and SecuTix-file with mappings,
contingents on a few performances and active schedules, set up twice with the same result,
and their first export accepted by the sandbox over SOAP; Digitick and ClassicTic (real-time)
with their API accounts, contingents and no export schedule, selling through the API."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_q.models import Schedule

from ticketshop.resellers import services
from ticketshop.resellers.models import ContingentSeat, Mapping, ResellerInterface, Run

pytestmark = pytest.mark.django_db(transaction=True)


def state():
    return (
        sorted(ResellerInterface.objects.values_list("code", flat=True)),
        Mapping.objects.count(),
        ContingentSeat.objects.count(),
        Schedule.objects.filter(name__startswith="reseller:", repeats=-1).count(),
    )


def test_the_demo_interfaces_export_to_the_sandbox(live_server, admin_client):
    call_command("load_demo_venue", stdout=StringIO())
    call_command("load_demo_resellers", "--sandbox-url", live_server.url, stdout=StringIO())
    first = state()
    codes, mappings, seats, schedules = first
    assert codes == ["classictic", "digitick", "fnac", "secutix-file", "ticketnet"]
    assert mappings > 5 * 5 and seats > 0 and schedules == 6
    call_command("load_demo_resellers", "--sandbox-url", live_server.url, stdout=StringIO())
    assert state() == first
    batch = ResellerInterface.objects.exclude(kind__in=ResellerInterface.REALTIME_KINDS)
    for interface in batch:
        run = services.export_contingents(interface)
        assert run.state == Run.State.OK, list(run.errors.values_list("message", flat=True))
        assert run.exported > 0
    assert not ContingentSeat.objects.filter(
        state="TO_EXPORT", contingent__interface__in=batch
    ).exists()
    for code in ("digitick", "classictic"):
        interface = ResellerInterface.objects.get(code=code)
        assert interface.api_account.username == f"CUBE_{code.upper()}"
        assert interface.contingents.exists()
        # Its own sales records are read by the reconciliation (R11) from the sandbox.
        assert interface.sales_url == (f"{live_server.url}/reseller-sandbox/{code}/realtime/sales/")
    out = StringIO()
    call_command(
        "realtime_reseller_sandbox", "--interface", "digitick", "--buyers", "1", "--sales", "2",
        "--url", live_server.url, stdout=out,
    )  # fmt: skip
    assert "2 sales confirmed" in out.getvalue()
    digitick = ResellerInterface.objects.get(code="digitick")
    starts = sorted(c.performance.start for c in digitick.contingents.all())
    page = admin_client.get(
        f"/backoffice/resellers/resellerinterface/{digitick.pk}/reconciliation/",
        {"from": f"{starts[0]:%Y-%m-%d}", "to": f"{starts[-1]:%Y-%m-%d}"},
    )
    assert page.status_code == 200
    report = page.context["report"]
    assert digitick.sales_url in page.content.decode()
    assert report.their_sales == report.matched == 2 and report.clean, report.findings
