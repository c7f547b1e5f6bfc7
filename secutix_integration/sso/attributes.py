"""The website's reading of the IdP's attributes (S1): the standard profile of `urn:oid` names
in the `uri` format with LDAP friendly names (eduPerson / SAML2int). pysaml2's own attribute
maps turn those OIDs back into the friendly names below, so any IdP following the profile
(not only the bundled ticketshop) fills the website's users the same way.

| FriendlyName      | Name (uri format)                   | website user field |
|-------------------|-------------------------------------|--------------------|
| uid               | urn:oid:0.9.2342.19200300.100.1.1   | username (contact number, prefixed) |
| mail              | urn:oid:0.9.2342.19200300.100.1.3   | email              |
| givenName         | urn:oid:2.5.4.42                    | first_name         |
| sn                | urn:oid:2.5.4.4                     | last_name          |
| personalTitle     | urn:oid:0.9.2342.19200300.100.1.40  | (not kept)         |
| preferredLanguage | urn:oid:2.16.840.1.113730.3.1.39    | (not kept)         |

Import it from settings: `SAML_ATTRIBUTE_MAPPING = ATTRIBUTE_MAPPING`.
"""

ATTRIBUTE_MAPPING = {
    "uid": ("username",),
    "mail": ("email",),
    "givenName": ("first_name",),
    "sn": ("last_name",),
}
