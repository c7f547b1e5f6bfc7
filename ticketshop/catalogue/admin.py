from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ticketshop.catalogue import models
from ticketshop.catalogue.services import change_state

NAMES = ["name_en", "name_fr", "name_de", "name_es"]
DESCRIPTIONS = ["description_en", "description_fr", "description_de", "description_es"]


@admin.register(models.Season)
class SeasonAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "start_date", "end_date"]


class SubThemeInline(admin.TabularInline):
    model = models.Theme
    fk_name = "parent"
    fields = ["code", *NAMES]
    extra = 0


@admin.register(models.Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "parent"]
    list_filter = [("parent", admin.EmptyFieldListFilter)]
    inlines = [SubThemeInline]


class HallInline(admin.TabularInline):
    model = models.Hall
    fields = ["code", *NAMES]
    extra = 0
    show_change_link = True


@admin.register(models.Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "city"]
    inlines = [HallInline]


class ZoneInline(admin.TabularInline):
    model = models.Zone
    fields = ["code", *NAMES]
    extra = 0
    show_change_link = True


@admin.register(models.Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "venue"]
    inlines = [ZoneInline]


class BlockInline(admin.TabularInline):
    model = models.Block
    fields = ["code", *NAMES]
    extra = 0
    show_change_link = True


@admin.register(models.Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "hall"]
    inlines = [BlockInline]


@admin.register(models.Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "zone"]
    list_select_related = ["zone__hall"]


@admin.register(models.Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["__str__", "block", "row", "number"]
    list_filter = ["block__zone__hall", "block__zone"]
    list_select_related = ["block__zone__hall"]


class SeatCategoryInline(admin.TabularInline):
    model = models.SeatCategory
    fields = ["code", "rank", *NAMES]
    extra = 0


@admin.register(models.LogicalConfiguration)
class LogicalConfigurationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "hall"]
    inlines = [SeatCategoryInline]


@admin.register(models.SeatAssignment)
class SeatAssignmentAdmin(admin.ModelAdmin):
    list_display = ["seat", "category", "configuration"]
    list_filter = ["configuration", "category"]
    list_select_related = ["seat__block", "category", "configuration"]
    raw_id_fields = ["seat"]


class SubcategoryInline(admin.TabularInline):
    model = models.AudienceSubcategory
    fields = ["code", "members_only", *NAMES]
    extra = 0


@admin.register(models.AudienceCategory)
class AudienceCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en"]
    inlines = [SubcategoryInline]


@admin.register(models.Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "audience_subcategory"]


class PriceInline(admin.TabularInline):
    model = models.Price
    fields = ["seat_category", "tariff", "amount"]
    extra = 0


@admin.register(models.PriceGrid)
class PriceGridAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en"]
    inlines = [PriceInline]


class PerformanceInline(admin.TabularInline):
    model = models.Performance
    fields = ["start", "duration", "state", "configuration"]
    extra = 0
    show_change_link = True


class SalesPeriodInline(admin.TabularInline):
    model = models.SalesPeriod
    fields = ["point_of_sales", "start", "end"]
    extra = 0


class CrossSellingInline(admin.TabularInline):
    model = models.CrossSelling
    fk_name = "product"
    fields = ["suggested", "rank"]
    extra = 0


def _state_action(state):
    def action(modeladmin, request, queryset):
        changed = 0
        for item in queryset:
            try:
                change_state(item, state)
                changed += 1
            except ValidationError as error:
                modeladmin.message_user(
                    request, f"{item}: {' '.join(error.messages)}", messages.ERROR
                )
        if changed:
            message = ngettext("%d item changed.", "%d items changed.", changed) % changed
            modeladmin.message_user(request, message, messages.SUCCESS)

    action.__name__ = f"make_{state.lower()}"
    action.short_description = format_lazy(_("Set state: {}"), models.State(state).label)
    return action


STATE_ACTIONS = [_state_action(state) for state in models.State.values]


@admin.register(models.Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "family", "state", "season"]
    list_filter = ["family", "state", "season", "themes"]
    search_fields = ["code", "name_en", "name_fr", "name_de", "name_es"]
    filter_horizontal = ["themes", "components"]
    inlines = [PerformanceInline, SalesPeriodInline, CrossSellingInline]
    actions = STATE_ACTIONS
    fieldsets = [
        (None, {"fields": ["season", "code", "family", "state", "themes", "price_grid", "quota"]}),
        (_("Public names"), {"fields": NAMES}),
        (_("Public descriptions"), {"fields": DESCRIPTIONS}),
        (_("Links and composition"), {"fields": ["product_detail_url", "components"]}),
    ]


@admin.register(models.Performance)
class PerformanceAdmin(admin.ModelAdmin):
    list_display = ["product", "start", "duration", "state", "configuration"]
    list_filter = ["state", "product__season", "configuration__hall"]
    list_select_related = ["product", "configuration"]
    date_hierarchy = "start"
    actions = STATE_ACTIONS


@admin.register(models.ShowcaseItem)
class ShowcaseItemAdmin(admin.ModelAdmin):
    list_display = ["point_of_sales", "product", "rank"]
    list_select_related = ["point_of_sales", "product"]


@admin.register(models.VatCode)
class VatCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "organisation", "rate", "country", "families"]
    list_filter = ["organisation", "country"]
