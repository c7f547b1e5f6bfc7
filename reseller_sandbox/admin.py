"""The sandbox in the back office (/backoffice/, section "Reseller sandbox"): instances with
their mode and a "Sell" counter, service users (passwords hashed, never shown), held seats,
sale lines with a "Cancel" action, and the real-time resellers' own sales records (editable:
plant a difference the venue's reconciliation must name)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from reseller_sandbox import operations
from reseller_sandbox.models import (
    SERVICES,
    AccessControlRequest,
    AllottedPrice,
    HeldSeat,
    RealtimeSale,
    SaleLine,
    SandboxInstance,
    ServiceUser,
)


def _mode_action(mode):
    def action(modeladmin, request, queryset):
        count = queryset.update(mode=mode)
        modeladmin.message_user(
            request,
            _("%(count)d instance(s) now in mode %(mode)s.") % {"count": count, "mode": mode},
        )

    action.__name__ = f"set_mode_{mode}"
    action.short_description = _("Set mode: %(mode)s") % {"mode": mode}
    return action


class SellForm(forms.Form):
    performance_code = forms.ChoiceField(label=_("Performance code"))
    count = forms.IntegerField(label=_("Number of seats"), min_value=1, max_value=1000, initial=1)
    customer_category = forms.CharField(label=_("Customer category id"), max_length=50)
    names = forms.CharField(
        label=_("Beneficiaries"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One name per seat, one per line (or comma-separated)."),
    )
    category = forms.CharField(
        label=_("Category id (tariff type)"),
        required=False,
        max_length=50,
        help_text=_("Only seats of this category; empty: any."),
    )
    price = forms.DecimalField(
        label=_("Price paid"),
        required=False,
        min_value=0,
        decimal_places=2,
        max_digits=10,
        help_text=_("Empty: the allotted price of the customer category."),
    )

    def __init__(self, *args, instance, **kwargs):
        super().__init__(*args, **kwargs)
        codes = (
            HeldSeat.objects.filter(instance=instance)
            .values("performance_code", "manifestation_id")
            .annotate(held=Count("id"), unsold=Count("id", filter=Q(sold=False)))
            .order_by("performance_code")
        )
        self.fields["performance_code"].choices = [
            (
                row["performance_code"],
                f"{row['performance_code']} ({row['manifestation_id']}): "
                f"{row['unsold']} unsold of {row['held']}",
            )
            for row in codes
        ]

    def name_list(self):
        text = self.cleaned_data.get("names") or ""
        return [n.strip() for n in text.replace(",", "\n").splitlines() if n.strip()]


@admin.register(SandboxInstance)
class SandboxInstanceAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "manager_code", "mode", "slow_seconds", "held", "sell_link"]
    list_editable = ["mode", "slow_seconds"]
    actions = [_mode_action(mode) for mode in SandboxInstance.Mode.values]
    readonly_fields = ["service_urls"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(held_count=Count("seats"))

    @admin.display(description=_("held seats"), ordering="held_count")
    def held(self, obj):
        return obj.held_count

    @admin.display(description=_("counter"))
    def sell_link(self, obj):
        url = reverse("admin:reseller_sandbox_sandboxinstance_sell", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Sell"))

    @admin.display(description=_("service URLs"))
    def service_urls(self, obj):
        if not obj.pk:
            return "-"
        return format_html(
            "<br>".join(["{}"] * len(SERVICES)),
            *[f"/reseller-sandbox/{obj.slug}/{service}/ (?wsdl)" for service in SERVICES],
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/sell/",
                self.admin_site.admin_view(self.sell_view),
                name="reseller_sandbox_sandboxinstance_sell",
            ),
            *super().get_urls(),
        ]

    def sell_view(self, request, pk):
        if not self.has_change_permission(request):
            return redirect("admin:index")
        instance = get_object_or_404(SandboxInstance, pk=pk)
        form = SellForm(request.POST or None, instance=instance)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                lines = operations.sell(
                    instance,
                    data["performance_code"],
                    data["count"],
                    data["customer_category"],
                    names=form.name_list(),
                    category=data["category"],
                    price=data["price"],
                )
            except operations.BadRequest as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    _("Sold %(count)d seat(s): %(ids)s.")
                    % {"count": len(lines), "ids": ", ".join(line.sale_id for line in lines)},
                    messages.SUCCESS,
                )
                return redirect(
                    reverse("admin:reseller_sandbox_saleline_changelist")
                    + f"?instance__id__exact={instance.pk}"
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Sell on %(name)s") % {"name": instance.name},
            "instance": instance,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "reseller_sandbox/sell.html", context)


class ServiceUserForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=_("Allowed services"),
        choices=[(s, s) for s in SERVICES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    new_password = forms.CharField(
        label=_("New password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current password. Stored hashed."),
    )

    class Meta:
        model = ServiceUser
        fields = ["instance", "username", "services"]

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("new_password"):
            self.add_error("new_password", _("A new user needs a password."))
        return data

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("new_password"):
            user.set_password(self.cleaned_data["new_password"])
        if commit:
            user.save()
        return user


@admin.register(ServiceUser)
class ServiceUserAdmin(admin.ModelAdmin):
    form = ServiceUserForm
    list_display = ["username", "instance", "services"]
    list_filter = ["instance"]
    search_fields = ["username"]


@admin.register(HeldSeat)
class HeldSeatAdmin(admin.ModelAdmin):
    list_display = [
        "performance_code",
        "manifestation_id",
        "instance",
        "seat_id",
        "block",
        "row",
        "number",
        "category_id",
        "sold",
        "performance_date",
    ]
    list_filter = ["instance", "sold", "performance_code"]
    search_fields = ["performance_code", "manifestation_id", "seat_id"]
    readonly_fields = ["allotted_at"]


@admin.register(AllottedPrice)
class AllottedPriceAdmin(admin.ModelAdmin):
    list_display = ["performance_code", "instance", "category_id", "customer_category_id", "amount"]
    list_filter = ["instance"]
    search_fields = ["performance_code"]


@admin.register(SaleLine)
class SaleLineAdmin(admin.ModelAdmin):
    list_display = [
        "sale_id",
        "kind",
        "at",
        "instance",
        "performance_code",
        "seat_id",
        "block",
        "row",
        "number",
        "customer_category_id",
        "price",
        "first_name",
        "last_name",
        "barcode",
    ]
    list_filter = ["instance", "kind", "performance_code"]
    search_fields = ["sale_id", "barcode", "last_name"]
    actions = ["cancel_sales"]
    readonly_fields = ["held_seat"]

    @admin.action(description=_("Cancel the selected sales (a CANCEL line each)"))
    def cancel_sales(self, request, queryset):
        done, refused = [], []
        for line in queryset.filter(kind=SaleLine.Kind.SALE).select_related("instance"):
            try:
                operations.cancel(line.instance, line.sale_id)
            except operations.BadRequest as exc:
                refused.append(str(exc))
            else:
                done.append(line.sale_id)
        if done:
            self.message_user(request, _("Cancelled: %(ids)s.") % {"ids": ", ".join(done)})
        for message in refused:
            self.message_user(request, message, messages.WARNING)


@admin.register(AccessControlRequest)
class AccessControlRequestAdmin(admin.ModelAdmin):
    list_display = ["request_id", "instance", "performance_code", "created_at"]
    list_filter = ["instance"]
    readonly_fields = ["request_id", "instance", "performance_code", "created_at", "barcodes"]


@admin.register(RealtimeSale)
class RealtimeSaleAdmin(admin.ModelAdmin):
    list_display = [
        "line_id",
        "kind",
        "instance",
        "at",
        "performance_code",
        "seat_id",
        "customer_category_id",
        "price",
    ]
    list_filter = ["instance", "kind"]
    search_fields = ["line_id", "sale_reference", "barcode", "performance_code"]
