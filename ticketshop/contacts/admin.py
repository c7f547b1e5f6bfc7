from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ticketshop.contacts import models


class AddressInline(admin.StackedInline):
    model = models.Address
    extra = 0


class ConsentInline(admin.TabularInline):
    model = models.Consent
    extra = 0


class ChildLinkInline(admin.TabularInline):
    model = models.ContactLink
    fk_name = "parent"
    verbose_name = _("linked contact (this contact is the parent)")
    verbose_name_plural = _("friends and family (this contact is the parent)")
    raw_id_fields = ["child"]
    extra = 0


class ParentLinkInline(admin.TabularInline):
    model = models.ContactLink
    fk_name = "child"
    verbose_name = _("linked by (this contact is the child)")
    verbose_name_plural = _("linked by (this contact is the child)")
    raw_id_fields = ["parent"]
    extra = 0


@admin.register(models.Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["contact_number", "last_name", "first_name", "email", "language", "is_active"]
    list_filter = ["is_active", "email_confirmed", "language"]
    search_fields = ["contact_number", "last_name", "first_name", "email"]
    readonly_fields = ["contact_number", "created_at", "last_login", "has_password"]
    filter_horizontal = ["interests"]
    inlines = [AddressInline, ConsentInline, ChildLinkInline, ParentLinkInline]
    fields = [
        "organisation",
        "contact_number",
        "title",
        "first_name",
        "last_name",
        "email",
        "language",
        "phone",
        "email_confirmed",
        "is_active",
        "interests",
        "has_password",
        "created_at",
        "last_login",
    ]

    @admin.display(boolean=True, description=_("has chosen a password"))
    def has_password(self, contact):
        return contact.has_usable_password()


@admin.register(models.ContactLink)
class ContactLinkAdmin(admin.ModelAdmin):
    list_display = ["parent", "child", "kind", "created_at"]
    list_select_related = ["parent", "child", "kind"]
    raw_id_fields = ["parent", "child"]


for model in (models.RelationKind, models.Criterion, models.LegalAuthorisation):
    admin.site.register(model, list_display=["code", "name_en"])
