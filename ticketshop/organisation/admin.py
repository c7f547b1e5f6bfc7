from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ticketshop.organisation.models import Organisation, PointOfSales, SalesChannel


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "currency", "time_zone"]


class PointOfSalesInline(admin.StackedInline):
    model = PointOfSales
    extra = 0
    fields = ["code", "name", "default_language"]
    show_change_link = True


@admin.register(SalesChannel)
class SalesChannelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "organisation"]
    list_filter = ["kind"]
    inlines = [PointOfSalesInline]


@admin.register(PointOfSales)
class PointOfSalesAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "channel", "allow_purchase_for_friends_family", "alert_ratio"]
    list_select_related = ["channel"]
    fieldsets = [
        (None, {"fields": ["channel", "code", "name", "default_language"]}),
        (
            _("Point of sales > Ticketshop"),
            {
                "fields": [
                    "cas_web_uri",
                    "product_detail_url",
                    "cancellation_insurance",
                    "google_analytics_tracking_id",
                    "google_domain_name",
                    "google_tag_manager_container_id",
                    "do_not_allow_waiting_list",
                    "show_member_audience_subcategories",
                    "handle_structure_relays",
                    "authorise_reselling_subscription_tickets",
                    "affiliate_sale",
                    "highlight_season",
                ]
            },
        ),
        (
            _("Ticket holder / distribution"),
            {
                "fields": [
                    "modify_ticket_holder",
                    "allow_purchase_for_friends_family",
                    "linked_contacts_must_consent",
                ]
            },
        ),
        (
            _("Pre-sales (reservations / requests / quotes)"),
            {
                "fields": [
                    "allow_online_reservations",
                    "allow_payment_or_cancellation_of_pending_files",
                    "allow_online_quotes",
                    "display_dashboard_of_pending_actions",
                ]
            },
        ),
        (
            _("Sales"),
            {
                "fields": [
                    "alert_ratio",
                    "show_remaining_count",
                    "cart_expiry_minutes",
                    "allow_ticket_resale",
                ]
            },
        ),
        (
            _("External URLs"),
            {
                "description": _("{LANGUAGE} is replaced by the visitor's language (fr, en…)."),
                "fields": [
                    "website_home_url",
                    "terms_of_sale_url",
                    "security_privacy_url",
                    "help_url",
                    "contact_url",
                    "allowed_return_hosts",
                ],
            },
        ),
    ]
