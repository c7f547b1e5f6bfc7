"""The back office's sales: reservations, orders and tickets, read-only (they change through the
sales services only), and the box office's one action on money: cancel and refund (B3)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ticketshop.sales import services as sales
from ticketshop.sales.models import Order, OrderLine, OrderMessage, SeatReservation


class ReadOnly:
    """Written by the sales services, never by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _cancel(modeladmin, request, groups):
    """groups: [(order id, line ids or None)] — one service call per order."""
    refunded, done = 0, 0
    for order_id, line_ids in groups:
        try:
            refunded += sales.cancel_paid_order(order_id, line_ids)
            done += 1
        except sales.BookingError as exc:
            modeladmin.message_user(request, f"#{order_id}: {exc.message}", messages.ERROR)
    if done:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d order cancelled, %(amount)s refunded.",
                "%(count)d orders cancelled, %(amount)s refunded.",
                done,
            )
            % {"count": done, "amount": refunded},
            messages.SUCCESS,
        )


@admin.register(SeatReservation)
class SeatReservationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = [
        "id",
        "performance",
        "product",
        "seat",
        "quantity",
        "status",
        "expires_at",
        "created_at",
    ]
    list_filter = ["status"]
    list_select_related = ["performance__product", "seat__block"]
    raw_id_fields = ["performance", "product", "seat"]


class OrderLineInline(ReadOnly, admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = [
        "product",
        "performance",
        "seat_category",
        "tariff",
        "price",
        "holder_name",
        "barcode",
        "cancelled_at",
    ]
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["id", "status", "contact", "point_of_sales", "created_at", "paid_at"]
    list_filter = ["status", "point_of_sales"]
    search_fields = ["=id", "contact__email", "contact__contact_number", "lines__barcode"]
    raw_id_fields = ["contact"]
    inlines = [OrderLineInline]
    actions = ["cancel_and_refund"]

    @admin.action(description=_("Cancel and refund the selected paid orders (all tickets)"))
    def cancel_and_refund(self, request, queryset):
        _cancel(self, request, [(pk, None) for pk in queryset.values_list("pk", flat=True)])


@admin.register(OrderLine)
class TicketAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["id", "order", "product", "performance", "price", "barcode", "cancelled_at"]
    list_filter = ["order__status"]
    search_fields = ["=order__id", "barcode", "holder_name"]
    list_select_related = ["order", "product", "performance"]
    actions = ["cancel_and_refund"]

    @admin.action(description=_("Cancel and refund the selected tickets"))
    def cancel_and_refund(self, request, queryset):
        groups = {}
        for line_id, order_id in queryset.values_list("pk", "order_id"):
            groups.setdefault(order_id, []).append(line_id)
        _cancel(self, request, sorted(groups.items()))


@admin.register(OrderMessage)
class OrderMessageAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["id", "order", "kind", "amount", "created_at", "sent_at"]
    list_filter = ["kind"]
