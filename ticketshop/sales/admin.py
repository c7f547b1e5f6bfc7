from django.contrib import admin

from ticketshop.sales.models import SeatReservation


@admin.register(SeatReservation)
class SeatReservationAdmin(admin.ModelAdmin):
    """Read-only: reservations are written by the sales services, never by hand."""

    list_display = ["id", "performance", "seat", "quantity", "status", "expires_at", "created_at"]
    list_filter = ["status"]
    list_select_related = ["performance__product", "seat__block"]
    raw_id_fields = ["performance", "seat"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
