"""Reading a service provider's SAML metadata (what the back office shows and checks)."""

import base64
import hashlib
from dataclasses import dataclass, field

from cryptography import x509
from defusedxml import ElementTree
from django.utils.translation import gettext_lazy as _

MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"
MAX_METADATA_BYTES = 512 * 1024


class MetadataError(ValueError):
    pass


@dataclass
class Certificate:
    use: str  # "signing", "encryption" or "" (both)
    subject: str
    not_after: str
    sha256: str


@dataclass
class SpMetadata:
    entity_id: str
    acs: list = field(default_factory=list)  # [(binding, location)]
    slo: list = field(default_factory=list)
    certificates: list = field(default_factory=list)
    authn_requests_signed: bool = False


def _certificate(use, text):
    der = base64.b64decode("".join(text.split()))
    cert = x509.load_der_x509_certificate(der)
    return Certificate(
        use=use,
        subject=cert.subject.rfc4514_string(),
        not_after=cert.not_valid_after_utc.date().isoformat(),
        sha256=hashlib.sha256(der).hexdigest(),
    )


def parse_sp_metadata(xml):
    """The SP's entity id, endpoints and certificates; MetadataError with a reason otherwise."""
    if isinstance(xml, str):
        xml = xml.encode()
    if len(xml) > MAX_METADATA_BYTES:
        raise MetadataError(_("The metadata is too large."))
    try:
        root = ElementTree.fromstring(xml, forbid_dtd=True)
    except Exception as exc:
        raise MetadataError(_("The metadata is not well-formed XML.")) from exc
    if root.tag != f"{MD}EntityDescriptor":
        raise MetadataError(_("The metadata must be one md:EntityDescriptor."))
    entity_id = (root.get("entityID") or "").strip()
    sp = root.find(f"{MD}SPSSODescriptor")
    if not entity_id or sp is None:
        raise MetadataError(_("The metadata describes no service provider (SPSSODescriptor)."))
    result = SpMetadata(
        entity_id=entity_id,
        authn_requests_signed=sp.get("AuthnRequestsSigned", "").lower() in ("true", "1"),
    )
    for element in sp.findall(f"{MD}AssertionConsumerService"):
        result.acs.append((element.get("Binding", ""), element.get("Location", "")))
    for element in sp.findall(f"{MD}SingleLogoutService"):
        result.slo.append((element.get("Binding", ""), element.get("Location", "")))
    try:
        for descriptor in sp.findall(f"{MD}KeyDescriptor"):
            for cert in descriptor.iter(f"{DS}X509Certificate"):
                result.certificates.append(_certificate(descriptor.get("use", ""), cert.text or ""))
    except Exception as exc:
        raise MetadataError(_("A certificate in the metadata cannot be read.")) from exc
    if not result.acs:
        raise MetadataError(_("The metadata has no AssertionConsumerService."))
    if not any(c.use in ("", "signing") for c in result.certificates):
        raise MetadataError(_("The metadata has no signing certificate."))
    return result
