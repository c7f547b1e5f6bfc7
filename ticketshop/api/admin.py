from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ticketshop.api.models import ApiAccount


class ApiAccountForm(forms.ModelForm):
    new_secret = forms.CharField(
        label=_("New secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current secret. Stored hashed."),
    )

    class Meta:
        model = ApiAccount
        fields = ["username", "point_of_sales", "active"]

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("new_secret"):
            self.add_error("new_secret", _("A new account needs a secret."))
        return data

    def save(self, commit=True):
        account = super().save(commit=False)
        if self.cleaned_data.get("new_secret"):
            account.set_secret(self.cleaned_data["new_secret"])
        if commit:
            account.save()
        return account


@admin.register(ApiAccount)
class ApiAccountAdmin(admin.ModelAdmin):
    form = ApiAccountForm
    list_display = ["username", "point_of_sales", "active", "created_at"]
    list_filter = ["active", "point_of_sales"]
    search_fields = ["username"]
