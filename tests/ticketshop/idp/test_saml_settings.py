"""S1, S2: the IdP's and the website's SAML settings, read where they show — in the messages of a
real sign-in and in the metadata each side publishes (issue 18: pinned by mutation testing)."""

import base64
import datetime as dt

import pytest
from lxml import etree

from secutix_integration.sso import config as sso_config
from tests.fixtures.identity import saml_form, sign_in_through_idp
from ticketshop.idp import saml

pytestmark = pytest.mark.django_db

NS = {
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
}


def _instant(value):
    return dt.datetime.strptime(value.split(".")[0].rstrip("Z"), "%Y-%m-%dT%H:%M:%S")


def test_an_assertion_is_valid_for_five_minutes_for_this_website_only(client, visitor):
    _action, fields = saml_form(sign_in_through_idp(client))
    response = etree.fromstring(base64.b64decode(fields["SAMLResponse"]))
    assertion = response.find("saml:Assertion", NS)
    issued = _instant(assertion.get("IssueInstant"))
    conditions = assertion.find("saml:Conditions", NS)
    assert _instant(conditions.get("NotOnOrAfter")) - issued == dt.timedelta(minutes=5)
    audiences = conditions.findall("saml:AudienceRestriction/saml:Audience", NS)
    assert [a.text for a in audiences] == ["http://testserver/saml2/metadata/"]
    name_id = assertion.find("saml:Subject/saml:NameID", NS)
    assert name_id.get("Format") == "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
    assert name_id.text == visitor.contact_number


def test_the_idp_metadata_says_it_wants_signed_requests(client):
    metadata = etree.fromstring(client.get("/idp/metadata/").content)
    idp = metadata.find("md:IDPSSODescriptor", NS)
    assert idp.get("WantAuthnRequestsSigned") == "true"
    assert [f.text for f in idp.findall("md:NameIDFormat", NS)] == [
        "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
    ]
    assert [k.get("use") for k in idp.findall("md:KeyDescriptor", NS)] in (["signing"], [None])


def test_the_websites_metadata_says_it_signs_requests_and_wants_signed_assertions(client):
    metadata = etree.fromstring(client.get("/saml2/metadata/").content)
    sp = metadata.find("md:SPSSODescriptor", NS)
    assert sp.get("AuthnRequestsSigned") == "true"
    assert sp.get("WantAssertionsSigned") == "true"
    acs = sp.findall("md:AssertionConsumerService", NS)
    assert [a.get("Location") for a in acs] == ["http://testserver/saml2/acs/"]


@pytest.mark.parametrize(
    ("side", "block"), [(saml, "TICKETSHOP"), (sso_config, "SECUTIX")], ids=["idp", "website"]
)
def test_the_xmlsec1_program_is_the_one_the_settings_name(settings, side, block, monkeypatch):
    """Each half's own block (TICKETSHOP for the IdP, SECUTIX for the website) names the xmlsec1
    program (e.g. Debian's path), else the xmlsec1 on the PATH."""
    monkeypatch.setattr("shutil.which", lambda name: f"/on/the/path/{name}")
    setattr(
        settings, block, {**getattr(settings, block), "XMLSEC_BINARY": "/opt/xmlsec/bin/xmlsec1"}
    )
    assert side.xmlsec_binary() == "/opt/xmlsec/bin/xmlsec1"
    setattr(settings, block, {**getattr(settings, block), "XMLSEC_BINARY": ""})
    assert side.xmlsec_binary() == "/on/the/path/xmlsec1"
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert side.xmlsec_binary() == "xmlsec1"
