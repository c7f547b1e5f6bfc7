"""The one attribute profile the IdP releases, to every service provider (S1).

Each attribute goes out with a `urn:oid:` Name, NameFormat `…:attrname-format:uri` and the
LDAP/eduPerson FriendlyName: that is the SAML 2.0 interoperability profile (SAML V2.0 Attribute
Profiles §2.2, eduPerson/SCHAC and SAML2int), which Shibboleth, SimpleSAMLphp, OneLogin, ADFS,
Keycloak and pysaml2 all map out of the box — plain names with the `basic` format have no
registry, so each SP would have to be told what "firstName" means. Unique OIDs also cannot
collide with another IdP's names in an SP that federates several.

The contact number is the persistent NameID too; it is released as `uid` (the user's login
identifier in the same LDAP schema) for SPs that key their users on an attribute.
"""

from dataclasses import dataclass

from saml2.attribute_converter import AttributeConverter
from saml2.saml import NAME_FORMAT_URI


@dataclass(frozen=True)
class ReleasedAttribute:
    friendly_name: str
    oid: str
    label: str


PROFILE = (
    ReleasedAttribute("uid", "urn:oid:0.9.2342.19200300.100.1.1", "Contact number"),
    ReleasedAttribute("mail", "urn:oid:0.9.2342.19200300.100.1.3", "Email address"),
    ReleasedAttribute("givenName", "urn:oid:2.5.4.42", "First name"),
    ReleasedAttribute("sn", "urn:oid:2.5.4.4", "Last name"),
    ReleasedAttribute("personalTitle", "urn:oid:0.9.2342.19200300.100.1.40", "Title"),
    ReleasedAttribute("preferredLanguage", "urn:oid:2.16.840.1.113730.3.1.39", "Language"),
)
NAMES = tuple(a.friendly_name for a in PROFILE)
CHOICES = tuple((a.friendly_name, f"{a.label} ({a.friendly_name}, {a.oid})") for a in PROFILE)


def contact_values(contact):
    """Every attribute of the profile for this contact, by friendly name."""
    return {
        "uid": [contact.contact_number],
        "mail": [contact.email],
        "givenName": [contact.first_name],
        "sn": [contact.last_name],
        "personalTitle": [contact.title or ""],
        "preferredLanguage": [contact.language],
    }


def converter():
    """pysaml2's converter for the profile: friendly name -> urn:oid Name, uri format."""
    conv = AttributeConverter(NAME_FORMAT_URI)
    conv.from_dict(
        {
            "identifier": NAME_FORMAT_URI,
            "fro": {a.oid: a.friendly_name for a in PROFILE},
            "to": {a.friendly_name.lower(): a.oid for a in PROFILE},
        }
    )
    return conv
