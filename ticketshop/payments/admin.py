from django.contrib import admin

from ticketshop.payments.models import CreditAccount, GiftVoucher, Payment


@admin.register(GiftVoucher)
class GiftVoucherAdmin(admin.ModelAdmin):
    list_display = ["code", "balance", "currency", "valid_until", "organisation"]
    search_fields = ["code"]


@admin.register(CreditAccount)
class CreditAccountAdmin(admin.ModelAdmin):
    list_display = ["contact", "balance"]
    raw_id_fields = ["contact"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["reference", "order", "method", "amount", "status", "created_at"]
    list_filter = ["method", "status"]
    raw_id_fields = ["order", "voucher"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
