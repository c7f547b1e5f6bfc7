from django.contrib import admin

from ticketshop.sales.models import Order, OrderLine, SeatReservation


@admin.register(SeatReservation)
class SeatReservationAdmin(admin.ModelAdmin):
    """Read-only: reservations are written by the sales services, never by hand."""

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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrderLineInline(admin.TabularInline):
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
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Read-only: orders change through the sales and payments services only."""

    list_display = ["id", "status", "contact", "point_of_sales", "created_at", "paid_at"]
    list_filter = ["status", "point_of_sales"]
    search_fields = ["=id", "contact__email", "contact__contact_number", "lines__barcode"]
    raw_id_fields = ["contact"]
    inlines = [OrderLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
