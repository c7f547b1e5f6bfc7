"""S2, issue 15 (P5): SAML signatures made and checked in-process, on the `xmlsec` binding.

The IdP and the website sign and check through our pysaml2 CryptoBackend
(ticketshop/idp/xmlsec_backend.py and its twin in the plugin) instead of running `xmlsec1`.
Every check still holds at the website's ACS: a signed response changed after signing, an
assertion signed by another key (with or without the IdP's certificate in its KeyInfo), and a
wrapped assertion (its ID twice) are refused; the website signs no one in.
"""

import base64
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from saml2 import sigver

from tests.fixtures.identity import saml_form, sign_in_through_idp
from tests.ticketshop.idp.test_saml_signatures import (
    NS,
    _is_signed_in,
    _outstanding_request_id,
    _response,
    signatures,
)
from ticketshop.idp import keys
from ticketshop.idp.xmlsec_backend import XmlsecBindingBackend

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"
RESPONSE = "urn:oasis:names:tc:SAML:2.0:protocol:Response"


def _decode(fields):
    return etree.fromstring(base64.b64decode(fields["SAMLResponse"]))


def _encode(fields, root):
    return {**fields, "SAMLResponse": base64.b64encode(etree.tostring(root)).decode()}


def _refused(client, django_user_model, fields):
    assert client.post("/saml2/acs/", fields).status_code == 403
    assert not _is_signed_in(client)
    assert not django_user_model.objects.exists()


@pytest.fixture
def signed(client, visitor):
    """A response the IdP made and signed on the response and on the assertion."""
    fields = _response(
        visitor, _outstanding_request_id(client), sign_response=True, sign_assertion=True
    )
    assert signatures(fields["SAMLResponse"]) == (1, [1])
    return fields


@pytest.fixture
def other_key(tmp_path):
    key, cert = tmp_path / "other.key", tmp_path / "other.crt"
    keys.generate_key_pair(key, cert, "not-the-idp.example")
    return key, cert


def test_a_sign_in_runs_no_xmlsec1_process(client, visitor, monkeypatch):
    """Both sides sign and check in-process: pysaml2 starting any program fails the sign-in."""

    def no_process(*args, **kwargs):
        raise AssertionError(f"a process was started: {args[0]!r}")

    monkeypatch.setattr(sigver, "Popen", no_process)
    monkeypatch.setattr(subprocess, "Popen", no_process)
    response = sign_in_through_idp(client)
    _action, fields = saml_form(response)
    assert signatures(fields["SAMLResponse"]) == (1, [1])
    assert client.post("/saml2/acs/", fields).status_code == 302
    assert _is_signed_in(client)


def test_the_untouched_response_is_accepted(client, signed):
    """The control for the refusals below."""
    assert client.post("/saml2/acs/", signed).status_code == 302
    assert _is_signed_in(client)


def test_a_changed_attribute_in_the_signed_assertion_is_refused(client, django_user_model, signed):
    root = _decode(signed)
    values = root.findall(".//saml:Attribute/saml:AttributeValue", NS)
    assert values
    for value in values:
        if value.text and "@" in value.text:
            value.text = "someone.else@example.com"
            break
    else:
        values[0].text = "changed"
    _refused(client, django_user_model, _encode(signed, root))


def test_a_changed_response_outside_the_assertion_is_refused(client, django_user_model, signed):
    """Only the response's own signature covers this: the assertion's still holds."""
    root = _decode(signed)
    root.set("IssueInstant", root.get("IssueInstant")[:-2] + "0Z")  # same minute, other second
    root.set("Consent", "urn:oasis:names:tc:SAML:2.0:consent:obtained")
    _refused(client, django_user_model, _encode(signed, root))


@pytest.mark.parametrize("own_certificate", [False, True], ids=["idp-cert-kept", "own-cert"])
def test_an_assertion_signed_by_another_key_is_refused(
    client, django_user_model, signed, other_key, own_certificate
):
    """The assertion re-signed with a stranger's key, the response around it then signed again
    with the IdP's real key: only the assertion's signature is wrong, and that is enough."""
    backend = XmlsecBindingBackend()
    root = _decode(signed)
    assertion = root.find("saml:Assertion", NS)
    if own_certificate:  # the message carries the stranger's certificate: never trusted
        pem = other_key[1].read_text().splitlines()
        cert = assertion.find("ds:Signature/ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS)
        cert.text = "".join(line for line in pem if "CERTIFICATE" not in line)
    text = backend.sign_statement(
        etree.tostring(root), ASSERTION, str(other_key[0]), assertion.get("ID")
    )
    text = backend.sign_statement(text, RESPONSE, str(keys.key_path(keys.IDP_KEY)), root.get("ID"))
    forged = etree.fromstring(text.encode())
    assert signatures(base64.b64encode(text.encode())) == (1, [1])
    # the response's signature is the IdP's: the backend accepts it, and refuses the assertion's
    idp_cert = str(keys.key_path(keys.IDP_CERT))
    assert backend.validate_signature(text, idp_cert, "pem", RESPONSE, forged.get("ID"))
    with pytest.raises(sigver.SignatureError):
        backend.validate_signature(text, idp_cert, "pem", ASSERTION, assertion.get("ID"))
    _refused(client, django_user_model, _encode(signed, forged))


def test_a_wrapped_assertion_is_refused(client, django_user_model, signed):
    """Signature wrapping: a forged assertion beside a copy of the signed one, same ID."""
    root = _decode(signed)
    original = root.find("saml:Assertion", NS)
    evil = etree.fromstring(etree.tostring(original))
    for signature in evil.findall("ds:Signature", NS):
        evil.remove(signature)
    evil.find("saml:Subject/saml:NameID", NS).text = "someone-else"
    root.insert(list(root).index(original), evil)
    _refused(client, django_user_model, _encode(signed, root))
    with pytest.raises(sigver.SignatureError, match="found 2"):
        XmlsecBindingBackend().validate_signature(
            etree.tostring(root),
            str(keys.key_path(keys.IDP_CERT)),
            "pem",
            ASSERTION,
            original.get("ID"),
        )


def test_a_message_with_a_dtd_is_refused(signed):
    text = base64.b64decode(signed["SAMLResponse"]).decode()
    if text.startswith("<?xml"):
        text = text.split("?>", 1)[1]
    root = etree.fromstring(text.encode())
    doctype = '<!DOCTYPE r [<!ENTITY e "x">]>'
    with pytest.raises(sigver.SignatureError, match="DTD"):
        XmlsecBindingBackend().validate_signature(
            doctype + text,
            str(keys.key_path(keys.IDP_CERT)),
            "pem",
            RESPONSE,
            root.get("ID"),
        )


def test_the_plugin_and_the_ticketshop_carry_the_same_backend():
    """Twins (neither part imports the other): a fix made in one must be made in both."""
    plugin = ROOT / "secutix_integration/sso/xmlsec_backend.py"
    ticketshop = ROOT / "ticketshop/idp/xmlsec_backend.py"
    assert plugin.read_text() == ticketshop.read_text()
