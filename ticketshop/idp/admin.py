"""The registry of service providers in the back office (S1, S2)."""

import requests
from django import forms
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from ticketshop.idp import attributes
from ticketshop.idp.metadata import MAX_METADATA_BYTES, MetadataError, parse_sp_metadata
from ticketshop.idp.models import ServiceProvider

FETCH_TIMEOUT_SECONDS = 5


def fetch_metadata(url):
    try:
        response = requests.get(url, timeout=FETCH_TIMEOUT_SECONDS, stream=True)
        response.raise_for_status()
        data = response.raw.read(MAX_METADATA_BYTES + 1, decode_content=True)
    except requests.RequestException as exc:
        raise forms.ValidationError(
            _("The metadata could not be read from %(url)s: %(error)s"),
            params={"url": url, "error": exc.__class__.__name__},
        ) from exc
    return data


class ServiceProviderForm(forms.ModelForm):
    metadata_file = forms.FileField(
        label=_("metadata file"),
        required=False,
        help_text=_("The SP's SAML metadata (XML). Otherwise it is read from the metadata URL."),
    )
    released_attributes = forms.MultipleChoiceField(
        label=_("released attributes"),
        choices=attributes.CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=list(attributes.NAMES),
    )

    class Meta:
        model = ServiceProvider
        fields = [
            "name",
            "metadata_url",
            "metadata_file",
            "released_attributes",
            "sign_response",
            "enabled",
        ]

    def clean(self):
        data = super().clean()
        upload, url = data.get("metadata_file"), data.get("metadata_url")
        if upload:
            xml = upload.read(MAX_METADATA_BYTES + 1)
        elif url:
            xml = fetch_metadata(url)
        elif self.instance.pk and self.instance.metadata_xml:
            xml = self.instance.metadata_xml.encode()
        else:
            raise forms.ValidationError(_("Give a metadata URL or upload a metadata file."))
        try:
            parsed = parse_sp_metadata(xml)
        except MetadataError as exc:
            raise forms.ValidationError(exc.args[0]) from exc
        others = ServiceProvider.objects.exclude(pk=self.instance.pk)
        if others.filter(entity_id=parsed.entity_id).exists():
            raise forms.ValidationError(
                _("A service provider with the entity id %(id)s is already registered."),
                params={"id": parsed.entity_id},
            )
        if self.instance.bundled and parsed.entity_id != self.instance.entity_id:
            raise forms.ValidationError(_("The bundled website's entity id cannot change."))
        self.instance.entity_id = parsed.entity_id
        self.instance.metadata_xml = xml.decode() if isinstance(xml, bytes) else xml
        return data


@admin.register(ServiceProvider)
class ServiceProviderAdmin(admin.ModelAdmin):
    form = ServiceProviderForm
    list_display = ["name", "entity_id", "enabled", "bundled", "updated_at"]
    list_filter = ["enabled"]
    search_fields = ["name", "entity_id"]
    readonly_fields = ["entity_id", "endpoints", "certificates", "bundled", "updated_at"]

    def _parsed(self, obj):
        try:
            return obj.parsed() if obj and obj.metadata_xml else None
        except MetadataError:
            return None

    @admin.display(description=_("endpoints (from its metadata)"))
    def endpoints(self, obj):
        parsed = self._parsed(obj)
        if parsed is None:
            return "-"
        rows = [("ACS", b, loc) for b, loc in parsed.acs] + [
            ("SLO", b, loc) for b, loc in parsed.slo
        ]
        return format_html_join("", "<div>{} {} <code>{}</code></div>", rows)

    @admin.display(description=_("certificates (two during a rotation)"))
    def certificates(self, obj):
        parsed = self._parsed(obj)
        if parsed is None:
            return "-"
        rows = [
            (c.use or "signing, encryption", c.subject, c.not_after, c.sha256)
            for c in parsed.certificates
        ]
        return format_html_join("", "<div>{}: {}, until {}, SHA-256 <code>{}</code></div>", rows)
