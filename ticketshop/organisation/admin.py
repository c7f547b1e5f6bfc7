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


NOT_AVAILABLE_YET = [
    # Point of sales > Ticketshop
    "cas_web_uri",
    "cancellation_insurance",
    "google_analytics_tracking_id",
    "google_domain_name",
    "google_tag_manager_container_id",
    "do_not_allow_waiting_list",
    "handle_structure_relays",
    "authorise_reselling_subscription_tickets",
    "affiliate_sale",
    # Pre-sales (reservations / requests / quotes)
    "allow_online_reservations",
    "allow_payment_or_cancellation_of_pending_files",
    "allow_online_quotes",
    "display_dashboard_of_pending_actions",
]


@admin.register(PointOfSales)
class PointOfSalesAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "channel", "allow_purchase_for_friends_family", "alert_ratio"]
    list_select_related = ["channel"]
    # Seed 000's characteristics that no feature reads yet: shown (so the tab matches SecuTix's)
    # but read-only, so that nobody toggles a switch that does nothing. A feature that reads
    # one moves it back to its group.
    readonly_fields = NOT_AVAILABLE_YET
    fieldsets = [
        (None, {"fields": ["channel", "code", "name", "default_language"]}),
        (
            _("Point of sales > Ticketshop"),
            {
                "fields": [
                    "product_detail_url",
                    "show_member_audience_subcategories",
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
        (
            _("Not available yet"),
            {
                "description": _(
                    "These characteristics are kept from SecuTix's tab but nothing in this "
                    "ticketshop uses them yet: changing them would have no effect, so they "
                    "are read-only until a feature reads them."
                ),
                "fields": NOT_AVAILABLE_YET,
            },
        ),
    ]
