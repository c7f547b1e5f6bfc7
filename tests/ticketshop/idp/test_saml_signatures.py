"""S2: where the signatures are, and that each one the website wants is required.

The IdP signs the response AND the assertion; the website (SP) wants both
(`want_response_signed`, `want_assertions_signed`), so a response genuinely signed by the IdP
but only on the outside, only on the assertion, or not at all is refused. The IdP wants signed
authentication requests (`want_authn_requests_signed`): an unsigned one is refused, with either
binding. The website sends its requests by the redirect binding by default; the tests that read
or strip the XML signature of a request ask for the POST binding (`posted_authn_request`).

Signatures are counted by parsing the XML: a ds:Signature element that is a direct child of the
samlp:Response, and one that is a direct child of the saml:Assertion.
"""

import base64
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from lxml import etree
from saml2 import BINDING_HTTP_POST
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID

from tests.fixtures.identity import local, posted_authn_request, saml_form, sign_in_through_idp
from ticketshop.idp import saml

pytestmark = pytest.mark.django_db

NS = {
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
}


def _xml(field_value):
    return etree.fromstring(base64.b64decode(field_value))


def signatures(saml_response_field):
    """(signatures on the response, signatures on each assertion), from the parsed XML."""
    root = _xml(saml_response_field)
    assert root.tag == f"{{{NS['samlp']}}}Response"
    on_response = len(root.findall("ds:Signature", NS))
    on_assertions = [len(a.findall("ds:Signature", NS)) for a in root.findall("saml:Assertion", NS)]
    return on_response, on_assertions


def _is_signed_in(client):
    return "_auth_user_id" in client.session


def _outstanding_request_id(client):
    _action, fields = posted_authn_request(client)
    return _xml(fields["SAMLRequest"]).get("ID")


def _response(visitor, request_id, *, sign_response, sign_assertion):
    """A response made and signed by the IdP itself, signed where asked."""
    server = saml.get_server()
    destination = "http://testserver/saml2/acs/"
    response = server.create_authn_response(
        identity=saml.released_attributes(visitor),
        in_response_to=request_id,
        destination=destination,
        sp_entity_id="http://testserver/saml2/metadata/",
        name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=visitor.contact_number),
        authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
        sign_response=sign_response,
        sign_assertion=sign_assertion,
    )
    info = server.apply_binding(
        BINDING_HTTP_POST, str(response), destination, "/account/", response=True
    )
    return saml_form(type("R", (), {"content": info["data"].encode()})())[1]


def test_the_idp_signs_both_the_response_and_the_assertion(client, visitor):
    _action, fields = saml_form(sign_in_through_idp(client))
    assert signatures(fields["SAMLResponse"]) == (1, [1])
    # each signature is a whole one: method, value and the key it was made with
    signature = _xml(fields["SAMLResponse"]).find("ds:Signature", NS)
    assert signature.find("ds:SignedInfo/ds:SignatureMethod", NS) is not None
    assert signature.find("ds:SignatureValue", NS).text.strip()
    assert signature.find("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS) is not None


def test_a_response_signed_on_both_is_accepted(client, visitor):
    """The control for the refusals below: the same crafted response, fully signed, works."""
    fields = _response(
        visitor, _outstanding_request_id(client), sign_response=True, sign_assertion=True
    )
    assert signatures(fields["SAMLResponse"]) == (1, [1])
    assert client.post("/saml2/acs/", fields).status_code == 302
    assert _is_signed_in(client)


@pytest.mark.parametrize(
    "sign_response, sign_assertion, expected",
    [
        (True, False, (1, [0])),  # signed only outside: want_assertions_signed refuses it
        (False, True, (0, [1])),  # signed only on the assertion: want_response_signed refuses it
        (False, False, (0, [0])),  # not signed at all
    ],
    ids=["only-outside", "only-on-the-assertion", "not-at-all"],
)
def test_a_response_missing_a_signature_is_refused(
    client, visitor, django_user_model, sign_response, sign_assertion, expected
):
    fields = _response(
        visitor,
        _outstanding_request_id(client),
        sign_response=sign_response,
        sign_assertion=sign_assertion,
    )
    assert signatures(fields["SAMLResponse"]) == expected
    assert client.post("/saml2/acs/", fields).status_code == 403
    assert not _is_signed_in(client)
    assert not django_user_model.objects.exists()


def test_the_websites_requests_are_signed(client):
    _action, fields = posted_authn_request(client)
    request = _xml(fields["SAMLRequest"])
    assert request.tag == f"{{{NS['samlp']}}}AuthnRequest"
    assert len(request.findall("ds:Signature", NS)) == 1


def test_the_idp_refuses_an_unsigned_authentication_request(client, visitor):
    """The request is left as the website wrote it, only its signature is removed."""
    action, fields = posted_authn_request(client)
    request = _xml(fields["SAMLRequest"])
    for signature in request.findall("ds:Signature", NS):
        request.remove(signature)
    assert not request.findall(".//ds:Signature", NS)
    fields["SAMLRequest"] = base64.b64encode(etree.tostring(request)).decode()
    response = client.post(local(action), fields)
    assert response.status_code == 400
    assert "SAMLResponse" not in response.content.decode()
    # the IdP did not take it as a pending sign-in either: signing in now goes to the account
    signed = client.post("/idp/login/", {"email": visitor.email, "password": "Correct-Horse-42"})
    assert "SAMLResponse" not in signed.content.decode()


def test_the_idp_refuses_an_unsigned_redirect_binding_request(client, settings, website_sp):
    """The IdP trusts the website through its registry entry (issue 15), as the set-up makes it."""
    settings.SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
    location = client.get("/saml2/login/?next=/account/")["Location"]
    parts = urlsplit(location)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert "Signature" in query and "SigAlg" in query
    unsigned = {k: v for k, v in query.items() if k not in ("Signature", "SigAlg")}
    assert client.get(f"{parts.path}?{urlencode(unsigned)}").status_code == 400
    # the control: the signed one is accepted (a redirect to the sign-in page)
    assert client.get(local(location)).status_code == 302


def test_signature_counting_ignores_lookalike_tags(client, visitor):
    """`"<ds:Signature" in xml` also matches SignatureMethod and SignatureValue: one signature
    would count three times. Parsing counts elements."""
    _action, fields = saml_form(sign_in_through_idp(client))
    text = base64.b64decode(fields["SAMLResponse"]).decode()
    assert len(re.findall(r"<ds:Signature\b", text)) == 2
    assert text.count("<ds:Signature") > 2
