"""The reseller reports in the back office (R11): the reconciliation report and the settlement
statement of an interface for a period, as a page and as downloads (xlsx, CSV).

URLs hang under the interface's admin (`ReportsMixin`), staff only through the admin site's
login, and need the right to view reseller interfaces. Bad period input answers 400 with the
form and its error; nothing is computed and nothing changes (the reports only read)."""

import csv
import io
from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticketshop.resellers.client import ExternalError
from ticketshop.resellers.models import ResellerInterface
from ticketshop.resellers.periods import parse_period
from ticketshop.resellers.reconciliation import reconcile
from ticketshop.resellers.settlement import settle

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- downloads ----------------------------------------------------------------------------------


def _safe(value):
    """Text from the reseller (sale ids, places) never becomes a spreadsheet formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_xlsx(sheets):
    """An xlsx workbook (bytes) of [(title, rows)]; Decimals stay exact numbers with 2 places."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title[:31])
        for row in rows:
            sheet.append([_safe(v) for v in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if v is None else _safe(v) for v in row])
    return out.getvalue()


def reconciliation_sheets(report):
    return [(_("Summary"), report.summary_rows()), (_("Differences"), report.finding_rows())]


def settlement_sheets(statement):
    return [(_("Statement"), statement.total_rows()), (_("Tickets"), statement.ticket_rows())]


def settlement_csv_rows(statement):
    """The tickets, then an empty line, then the totals: one file a spreadsheet opens."""
    return [*statement.ticket_rows(), [], *statement.total_rows()]


def _download(content, content_type, name):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- views --------------------------------------------------------------------------------------


def _page(modeladmin, request, pk, kind):
    if not modeladmin.has_view_permission(request):
        raise PermissionDenied
    interface = get_object_or_404(ResellerInterface, pk=pk)
    today = timezone.localdate()
    values = {
        "from": request.GET.get("from", today.replace(day=1).isoformat()),
        "to": request.GET.get("to", today.isoformat()),
    }
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "interface": interface,
        "kind": kind,
        "values": values,
        "error": None,
        "report": None,
        "statement": None,
        "title": (
            _("Reconciliation report: %(interface)s")
            if kind == "reconciliation"
            else _("Settlement statement: %(interface)s")
        )
        % {"interface": interface},
    }
    template = f"resellers/{kind}.html"
    if "from" not in request.GET and "to" not in request.GET:
        return TemplateResponse(request, template, context)
    try:
        period = parse_period(request.GET.get("from"), request.GET.get("to"))
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
        return TemplateResponse(request, template, context, status=400)
    fmt = request.GET.get("format", "")
    if fmt not in ("", "xlsx", "csv"):
        context["error"] = _("Unknown format “%(format)s”: xlsx or csv.") % {"format": fmt[:20]}
        return TemplateResponse(request, template, context, status=400)
    name = f"{kind}-{interface.code}-{period.first.isoformat()}-{period.last.isoformat()}"
    if kind == "reconciliation":
        try:
            report = reconcile(interface, period)
        except ExternalError as exc:
            context["error"] = _("The reseller could not be read: %(error)s") % {"error": exc}
            return TemplateResponse(request, template, context, status=502)
        if fmt == "xlsx":
            return _download(to_xlsx(reconciliation_sheets(report)), XLSX, f"{name}.xlsx")
        if fmt == "csv":
            return _download(to_csv(report.finding_rows()), "text/csv", f"{name}.csv")
        context["report"] = report
    else:
        statement = settle(interface, period)
        if fmt == "xlsx":
            return _download(to_xlsx(settlement_sheets(statement)), XLSX, f"{name}.xlsx")
        if fmt == "csv":
            return _download(to_csv(settlement_csv_rows(statement)), "text/csv", f"{name}.csv")
        context["statement"] = statement
    context["query"] = request.GET.urlencode()
    return TemplateResponse(request, template, context)


class ReportsMixin:
    """Mixed into the interface's ModelAdmin: the two report pages and a column linking them."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/reconciliation/",
                view(lambda request, pk: _page(self, request, pk, "reconciliation")),
                name="resellers_reconciliation",
            ),
            path(
                "<int:pk>/settlement/",
                view(lambda request, pk: _page(self, request, pk, "settlement")),
                name="resellers_settlement",
            ),
            *super().get_urls(),
        ]

    def get_list_display(self, request):
        return (*super().get_list_display(request), "reports")

    @admin.display(description=gettext_lazy("reports"))
    def reports(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse(f"{self.admin_site.name}:resellers_reconciliation", args=[obj.pk]),
            _("Reconciliation"),
            reverse(f"{self.admin_site.name}:resellers_settlement", args=[obj.pk]),
            _("Settlement"),
        )
