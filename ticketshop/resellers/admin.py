# Over 400 lines: one ModelAdmin per seed 004 screen (interface, mappings, contingent, runs, scans); rules live in services.
"""The back office of the reseller interfaces (seed 004's screens): interfaces and their
mappings, contingents with their counts and Execute (dry run, then real), the runs' log, and
the access-control check. Thin: every rule is in `services`, `contingents` and `access`."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from ticketshop.catalogue.models import Block, SeatCategory
from ticketshop.resellers import access, locks, services
from ticketshop.resellers.contingents import allot_seats, counts, withdraw_seats
from ticketshop.resellers.mappings import MODELS as MAPPED_MODELS
from ticketshop.resellers.mappings import describe
from ticketshop.resellers.models import (
    Basket,
    BasketPlace,
    Contingent,
    Mapping,
    ResellerInterface,
    ResellerSale,
    Run,
    RunError,
    TicketScan,
)
from ticketshop.resellers.reports import ReportsMixin
from ticketshop.sales.lifecycle import BookingError

SECRETS = ("allotment_password", "sales_password", "access_password")


class InterfaceForm(forms.ModelForm):
    """Passwords are written, never shown again: an empty field keeps the stored one."""

    class Meta:
        model = ResellerInterface
        fields = (  # every field of seed 004's screen
            "code", "kind", "external_channel", "status",
            "name_fr", "name_en", "name_de", "name_es",
            "manager_code", "sales_url", "sales_user", "sales_password",
            "allotment_url", "allotment_user", "allotment_password",
            "prepare_access_url", "get_access_url", "access_user", "access_password",
            "waiting_contact", "point_of_sales", "price_policy", "commission_percent",
            "allowed_families", "release_deadline_hours", "failure_emails", "api_account",
        )  # fmt: skip
        widgets = {name: forms.PasswordInput(render_value=False) for name in SECRETS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRETS:
            if self.instance.pk:
                self.fields[name].required = False
                self.fields[name].help_text = _("Stored. Leave empty to keep it.")

    def clean(self):
        data = super().clean()
        for name in SECRETS:
            if self.instance.pk and not data.get(name):
                data[name] = getattr(ResellerInterface.objects.get(pk=self.instance.pk), name)
        return data


class ObjectChooser(forms.TextInput):
    """Our object's id with a chooser: a <datalist> of every product, tariff, seat category,
    block and configuration, labelled with its kind, code and name (the browser filters it as
    one types; no script, so no CSP exception). The id stays what is stored and posted."""

    def __init__(self, attrs=None):
        super().__init__(
            {"inputmode": "numeric", "autocomplete": "off", "size": 8, **(attrs or {})}
        )

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs'].get('id', name)}-choices"
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id', name)}-choices"
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            html,
            list_id,
            format_html_join("", '<option value="{}" label="{}"></option>', object_choices()),
        )


def object_choices():
    """(id, label) of every object a mapping may name, by kind."""
    rows = []
    for kind, model in MAPPED_MODELS.items():
        label = Mapping.Kind(kind).label.split(" → ")[0]
        for obj in model.objects.all()[:500]:
            rows.append((obj.pk, f"{label}: {getattr(obj, 'code', '')} — {obj}"))
    return rows


class MappingForm(forms.ModelForm):
    class Meta:
        model = Mapping
        fields = ("interface", "kind", "season", "object_id", "external_id")
        widgets = {"object_id": ObjectChooser}

    def clean(self):
        data = super().clean()
        kind, object_id = data.get("kind"), data.get("object_id")
        if (
            kind
            and object_id is not None
            and not MAPPED_MODELS[kind].objects.filter(pk=object_id).exists()
        ):
            self.add_error(
                "object_id",
                _("No %(kind)s has the id %(id)s.")
                % {"kind": Mapping.Kind(kind).label.split(" → ")[0], "id": object_id},
            )
        return data


class MappingInline(admin.TabularInline):
    model = Mapping
    form = MappingForm
    extra = 1
    fields = ("kind", "season", "object_id", "our_name", "external_id")
    readonly_fields = ("our_name",)

    @admin.display(description=_("our name"))
    def our_name(self, obj):
        return describe(obj.kind, obj.object_id) if obj.pk else ""


def _report(modeladmin, request, run):
    level = messages.SUCCESS if run.state == Run.State.OK else messages.ERROR
    errors = "; ".join(f"[{e.kind}] {e.message}" for e in run.errors.all())
    modeladmin.message_user(
        request,
        f"{run.get_kind_display()}{' (dry run)' if run.dry_run else ''}: {run.get_state_display()}"
        f" — exported {run.exported}, taken back {run.taken_back}, refused {run.refused}, "
        f"sales {run.sales}, cancellations {run.cancellations}, orders {run.orders_created}. "
        f"{run.report} {errors}",
        level,
    )


@admin.register(ResellerInterface)
class ResellerInterfaceAdmin(ReportsMixin, admin.ModelAdmin):
    form = InterfaceForm
    list_display = ("code", "__str__", "kind", "status", "price_policy", "last_run")
    inlines = [MappingInline]
    actions = ["export_dry", "export_real", "integrate_dry", "integrate_real"]
    fieldsets = (
        (None, {"fields": ("code", "kind", "external_channel", "status", "api_account")}),
        (_("Internal name"), {"fields": ("name_fr", "name_en", "name_de", "name_es")}),
        (
            _("Reseller's services"),
            {
                "fields": (
                    "manager_code",
                    "sales_url",
                    "sales_user",
                    "sales_password",
                    "allotment_url",
                    "allotment_user",
                    "allotment_password",
                    "prepare_access_url",
                    "get_access_url",
                    "access_user",
                    "access_password",
                )
            },
        ),
        (
            _("Sales"),
            {
                "fields": (
                    "waiting_contact",
                    "point_of_sales",
                    "price_policy",
                    "commission_percent",
                    "allowed_families",
                    "release_deadline_hours",
                    "failure_emails",
                )
            },
        ),
    )

    @admin.display(description=_("last run"))
    def last_run(self, obj):
        run = obj.runs.first()
        return (
            f"{run.started_at:%Y-%m-%d %H:%M} {run.get_kind_display()} {run.state}" if run else "-"
        )

    def _each(self, request, queryset, call):
        for interface in queryset:
            _report(self, request, call(interface))

    @admin.action(description=_("Export contingents — dry run"))
    def export_dry(self, request, queryset):
        self._each(request, queryset, lambda i: services.export_contingents(i, dry_run=True))

    @admin.action(description=_("Export contingents"))
    def export_real(self, request, queryset):
        self._each(request, queryset, services.export_contingents)

    @admin.action(description=_("Integrate sales — dry run"))
    def integrate_dry(self, request, queryset):
        self._each(request, queryset, lambda i: services.integrate_sales(i, dry_run=True))

    @admin.action(description=_("Integrate sales"))
    def integrate_real(self, request, queryset):
        self._each(request, queryset, services.integrate_sales)


@admin.register(Mapping)
class MappingAdmin(admin.ModelAdmin):
    form = MappingForm
    list_display = ("interface", "kind", "season", "our_name", "external_id")
    list_filter = ("interface", "kind", "season")

    @admin.display(description=_("our name"))
    def our_name(self, obj):
        return describe(obj.kind, obj.object_id)


class ContingentForm(forms.ModelForm):
    """Allot seats (by block and rows, or a count per seat category; a count for an unnumbered
    hall) and ask seats back, through the services."""

    allot_block = forms.ModelChoiceField(Block.objects.all(), required=False, label=_("block"))
    allot_rows = forms.CharField(required=False, label=_("rows (comma-separated)"))
    allot_category = forms.ModelChoiceField(
        SeatCategory.objects.all(), required=False, label=_("seat category")
    )
    allot_count = forms.IntegerField(required=False, min_value=1, label=_("number of seats"))
    take_back_count = forms.IntegerField(required=False, min_value=1, label=_("seats to take back"))

    class Meta:
        model = Contingent
        fields = ("interface", "performance", "integrate_sales", "export_contingent")


@admin.register(Contingent)
class ContingentAdmin(admin.ModelAdmin):
    form = ContingentForm
    list_display = (
        "interface",
        "performance",
        "allotted",
        "exported",
        "to_export",
        "to_take_back",
        "integrate_sales",
        "export_contingent",
    )
    list_editable = ("integrate_sales", "export_contingent")
    list_filter = ("interface",)
    list_select_related = ("interface", "performance__product")
    actions = ["execute_dry", "execute", "integrate_product"]
    fieldsets = (
        (None, {"fields": ("interface", "performance", "integrate_sales", "export_contingent")}),
        (
            _("Allot seats"),
            {"fields": ("allot_block", "allot_rows", "allot_category", "allot_count")},
        ),
        (_("Take seats back"), {"fields": ("take_back_count",)}),
    )

    def _counts(self, obj):
        if not hasattr(obj, "_counts"):
            obj._counts = counts(obj)
        return obj._counts

    @admin.display(description=_("seats allotted"))
    def allotted(self, obj):
        return self._counts(obj)["allotted"]

    @admin.display(description=_("seats exported"))
    def exported(self, obj):
        return self._counts(obj)["exported"]

    @admin.display(description=_("to export"))
    def to_export(self, obj):
        return self._counts(obj)["to_export"]

    @admin.display(description=_("to take back"))
    def to_take_back(self, obj):
        return self._counts(obj)["to_take_back"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        data = form.cleaned_data
        rows = [r.strip() for r in (data.get("allot_rows") or "").split(",") if r.strip()]
        try:
            if (
                data.get("allot_block")
                or rows
                or data.get("allot_category")
                or data.get("allot_count")
            ):
                new = allot_seats(
                    obj,
                    block=data.get("allot_block"),
                    rows=rows,
                    seat_category=data.get("allot_category"),
                    count=data.get("allot_count"),
                )
                self.message_user(request, _("%d seats allotted.") % len(new), messages.SUCCESS)
            if data.get("take_back_count"):
                released, asked = withdraw_seats(obj, count=data["take_back_count"])
                self.message_user(
                    request,
                    _("%(released)d seats back on sale, %(asked)d to take back from the reseller.")
                    % {"released": released, "asked": asked},
                    messages.SUCCESS,
                )
        except (BookingError, ValidationError) as exc:
            self.message_user(request, getattr(exc, "message", str(exc)), messages.ERROR)

    def _execute(self, request, queryset, dry_run):
        for contingent in queryset.select_related("interface"):
            run = services.export_contingents(
                contingent.interface, dry_run=dry_run, contingent=contingent
            )
            _report(self, request, run)

    @admin.action(description=_("Execute — dry run"))
    def execute_dry(self, request, queryset):
        self._execute(request, queryset, True)

    @admin.action(description=_("Execute"))
    def execute(self, request, queryset):
        self._execute(request, queryset, False)

    @admin.action(description=_("Integrate the sales of these products now (manual run)"))
    def integrate_product(self, request, queryset):
        done = set()
        for contingent in queryset.select_related("interface", "performance__product"):
            key = (contingent.interface_id, contingent.performance.product_id)
            if key not in done:
                done.add(key)
                run = services.integrate_sales(
                    contingent.interface, product=contingent.performance.product
                )
                _report(self, request, run)


class RunErrorInline(admin.TabularInline):
    model = RunError
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "message")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    # Fits 1280 px beside the navigation and the filters: the start in short, the counts in
    # one "result" column (what the run did), the dry run in the state; the rest on its page.
    list_display = ("start", "interface", "kind", "state_shown", "error_classes", "result")
    list_select_related = ("interface",)
    list_filter = ("interface", "kind", "state", "dry_run")
    inlines = [RunErrorInline]

    def changelist_view(self, request, extra_context=None):
        locks.reap_interrupted()  # a run whose process died is shown "Interrupted", not running
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("state"), ordering="state")
    def state_shown(self, obj):
        state = obj.get_state_display()
        return _("%(state)s (dry run)") % {"state": state} if obj.dry_run else state

    @admin.display(description=_("start"), ordering="started_at")
    def start(self, obj):
        return formats.date_format(timezone.localtime(obj.started_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("result"))
    def result(self, obj):
        if obj.kind == Run.Kind.EXPORT:
            parts = [_("%(n)d exported") % {"n": obj.exported}]
            parts.append(_("%(n)d taken back") % {"n": obj.taken_back})
            if obj.refused:
                parts.append(_("%(n)d refused") % {"n": obj.refused})
        else:
            parts = [_("%(n)d sales") % {"n": obj.sales}]
            if obj.cancellations:
                parts.append(_("%(n)d cancellations") % {"n": obj.cancellations})
            parts.append(_("%(n)d orders") % {"n": obj.orders_created})
        return ", ".join(str(p) for p in parts)

    @admin.display(description=_("errors"))
    def error_classes(self, obj):
        return ", ".join(sorted({e.kind for e in obj.errors.all()})) or "-"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ResellerSale)
class ResellerSaleAdmin(admin.ModelAdmin):
    list_display = (
        "interface",
        "sale_id",
        "order",
        "holder",
        "barcode",
        "reseller_price",
        "ticket_price",
        "sold_at",
        "cancelled_at",
    )
    list_filter = ("interface",)
    list_select_related = ("line", "order", "interface")

    @admin.display(description=_("beneficiary"))
    def holder(self, obj):
        return obj.line.holder_name

    @admin.display(description=_("barcode"))
    def barcode(self, obj):
        return obj.line.barcode

    @admin.display(description=_("ticket price"))
    def ticket_price(self, obj):
        return obj.line.price

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TicketScan)
class TicketScanAdmin(admin.ModelAdmin):
    """The scans, and the access-control check: a page and a JSON API (staff only)."""

    list_display = ("scanned_at", "line")

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path("check/", self.admin_site.admin_view(self.check_page), name="access_check"),
            path(
                "api/",
                csrf_exempt(self.admin_site.admin_view(self.check_api)),
                name="access_check_api",
            ),
            *super().get_urls(),
        ]

    def check_page(self, request):
        answer = None
        if request.method == "POST":
            answer = access.scan(request.POST.get("barcode"), request.POST.get("performance"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Access control"),
            "answer": answer,
            "result": answer.status if answer else None,
            "line": answer.line if answer else None,
            "barcode": request.POST.get("barcode", ""),
            "performance": request.POST.get("performance", ""),
        }
        return TemplateResponse(request, "resellers/access_check.html", context)

    def check_api(self, request):
        if request.method != "POST":
            return JsonResponse({"error": "POST barcode and performance."}, status=405)
        answer = access.scan(request.POST.get("barcode"), request.POST.get("performance"))
        return JsonResponse(
            {
                "status": answer.status,
                "holder": answer.holder,
                "performance": answer.line.performance_id if answer.line else None,
                "reseller": answer.reseller.code if answer.reseller else None,
                "message": answer.message,
            }
        )


class BasketPlaceInline(admin.TabularInline):
    model = BasketPlace
    extra = 0
    can_delete = False
    fields = readonly_fields = ("contingent_seat", "tariff", "customer_category", "price", "line")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Basket)
class BasketAdmin(admin.ModelAdmin):
    """Real-time resellers' baskets and sales (R9), read only: they sell through the API."""

    list_display = ("pk", "interface", "state", "sale_reference", "order", "expires_at")
    list_filter = ("interface", "state")
    search_fields = ("sale_reference",)
    list_select_related = ("interface", "order")
    inlines = [BasketPlaceInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
