"""S1/S2: the website signs in through the ticketshop's SAML IdP, and out of both (SLO)."""

import base64
import re

import pytest
from django.contrib.auth import get_user_model

from tests.fixtures.identity import (
    follow,
    local,
    posted_authn_request,
    saml_form,
    sign_in_through_idp,
)

pytestmark = pytest.mark.django_db


def test_metadata_is_served_with_both_bindings(client):
    body = client.get("/idp/metadata/").content.decode()
    assert "http://testserver/idp/sso/redirect/" in body
    assert "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" in body
    assert "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" in body
    assert "SingleLogoutService" in body
    assert "X509Certificate" in body


def test_full_round_trip_signs_the_website_in(client, visitor):
    response = follow(client, sign_in_through_idp(client))
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/account/"
    user = get_user_model().objects.get(username=f"stx-{visitor.contact_number}")
    assert (user.email, user.first_name, user.last_name) == (
        "michel.shapira@example.com",
        "Michel",
        "Shapira",
    )
    assert not user.has_usable_password()
    assert not user.is_staff and not user.is_superuser
    assert client.session["_auth_user_id"] == str(user.pk)
    # the header greets the visitor from the contact cookie
    assert "Hello Michel" in client.get("/").content.decode()


def test_assertion_carries_the_released_attributes(client, visitor):
    response = sign_in_through_idp(client)
    _action, fields = saml_form(response)
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    uri = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
    for oid, friendly, value in [
        ("0.9.2342.19200300.100.1.1", "uid", visitor.contact_number),
        ("0.9.2342.19200300.100.1.3", "mail", visitor.email),
        ("0.9.2342.19200300.100.1.40", "personalTitle", "MR"),
        ("2.5.4.42", "givenName", "Michel"),
        ("2.5.4.4", "sn", "Shapira"),
        ("2.16.840.1.113730.3.1.39", "preferredLanguage", "fr"),
    ]:
        assert f'Name="urn:oid:{oid}"' in xml and value in xml
        assert f'FriendlyName="{friendly}"' in xml
    assert "attrname-format:basic" not in xml and xml.count(f'NameFormat="{uri}"') == 6
    # two signatures, the response's and the assertion's: the bundled website wants both (S2;
    # test_saml_signatures.py counts where they are by parsing the XML)
    assert len(re.findall(r"<ds:Signature[\s>]", xml)) == 2
    assert re.search(r"<saml:Assertion[^>]*>.*<ds:Signature[\s>]", xml, re.S)


def test_redirect_binding_sso_is_the_default(client, visitor):
    """The redirect binding: signed query string, checked in-process (no xmlsec1 run)."""
    first = client.get("/saml2/login/?next=/account/")
    assert first.status_code == 302 and "/idp/sso/redirect/" in first["Location"]
    assert "Signature=" in first["Location"]
    response = follow(client, first)
    assert 'name="password"' in response.content.decode()
    response = follow(
        client, client.post("/idp/login/", {"email": visitor.email, "password": "Correct-Horse-42"})
    )
    assert response.request["PATH_INFO"] == "/account/"


def test_tampered_unsigned_request_is_refused_by_the_idp(client, visitor):
    action, fields = posted_authn_request(client)
    xml = base64.b64decode(fields["SAMLRequest"]).decode()
    tampered = xml.replace("http://testserver/saml2/acs/", "http://evil.example/acs/")
    fields["SAMLRequest"] = base64.b64encode(tampered.encode()).decode()
    assert client.post(local(action), fields).status_code == 400


def _captured_response(client):
    response = sign_in_through_idp(client)
    action, fields = saml_form(response)
    assert action == "http://testserver/saml2/acs/"
    return fields


def _is_signed_in(client):
    return "_auth_user_id" in client.session


def test_tampered_response_is_refused(client, visitor):
    fields = _captured_response(client)
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    fields["SAMLResponse"] = base64.b64encode(xml.replace("Shapira", "Intruder").encode()).decode()
    assert client.post("/saml2/acs/", fields).status_code == 403
    assert not _is_signed_in(client)
    assert not get_user_model().objects.exists()


def test_unsigned_response_is_refused(client, visitor):
    import re

    fields = _captured_response(client)
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    unsigned = re.sub(r"<ds:Signature.*?</ds:Signature>", "", xml, flags=re.S)
    assert unsigned != xml
    fields["SAMLResponse"] = base64.b64encode(unsigned.encode()).decode()
    assert client.post("/saml2/acs/", fields).status_code == 403
    assert not _is_signed_in(client)


def test_replayed_response_is_refused(client, visitor):
    fields = _captured_response(client)
    assert client.post("/saml2/acs/", fields).status_code == 302
    assert _is_signed_in(client)
    client.logout()
    # the same response again: its InResponseTo no longer matches an outstanding request
    assert client.post("/saml2/acs/", fields).status_code == 403
    assert not _is_signed_in(client)


def test_response_for_another_browser_is_refused(client, visitor, django_user_model):
    from django.test import Client

    fields = _captured_response(client)
    other = Client()
    assert other.post("/saml2/acs/", fields).status_code == 403  # unsolicited there
    assert "_auth_user_id" not in other.session


def test_single_logout_signs_out_both_sides(client, visitor):
    follow(client, sign_in_through_idp(client))
    assert client.get("/account/").status_code == 200
    assert client.cookies["stx_contact_CUBE_WEB_v1"].value
    response = follow(client, client.get("/saml2/signout/"))
    assert response.status_code == 200
    assert not _is_signed_in(client)
    # the ticketshop's contact session is gone too: the account area asks to sign in again
    again = client.get("/account/")
    assert again.status_code == 302 and again["Location"].startswith("/idp/login/")
    assert not client.cookies["stx_contact_CUBE_WEB_v1"].value


def test_already_signed_in_on_the_ticketshop_goes_straight_back(client, visitor):
    client.post("/idp/login/", {"email": visitor.email, "password": "Correct-Horse-42"})
    response = follow(client, client.get("/saml2/login/?next=/account/"))
    assert response.request["PATH_INFO"] == "/account/"
    assert _is_signed_in(client)


def test_log_out_from_the_account_area_also_signs_the_website_out(client, visitor):
    follow(client, sign_in_through_idp(client))
    assert _is_signed_in(client)
    response = follow(client, client.post("/idp/logout/"))
    assert response.status_code == 200
    assert not _is_signed_in(client)
    assert client.get("/account/").status_code == 302


def test_forged_logout_request_is_refused(client, visitor):
    follow(client, sign_in_through_idp(client))
    first = client.get("/saml2/signout/")
    logout_init = client.get(local(first["Location"]))
    location = logout_init["Location"]
    assert "/idp/slo/redirect/" in location and "Signature=" in location
    # drop the signature: the IdP must refuse the request and keep the contact signed in
    unsigned = location.split("&Signature=")[0]
    assert client.get(local(unsigned)).status_code == 400


def _outstanding_request_id(client):
    import re

    _action, fields = posted_authn_request(client)
    xml = base64.b64decode(fields["SAMLRequest"]).decode()
    return re.search(r'ID="([^"]+)"', xml).group(1)


def _signed_response(visitor, request_id, **overrides):
    """A response genuinely signed by the IdP, with one thing changed."""
    from saml2 import BINDING_HTTP_POST
    from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID

    from ticketshop.idp import saml

    server = saml.get_server()
    args = {
        "identity": saml.released_attributes(visitor),
        "in_response_to": request_id,
        "destination": "http://testserver/saml2/acs/",
        "sp_entity_id": "http://testserver/saml2/metadata/",
        "name_id": NameID(format=NAMEID_FORMAT_PERSISTENT, text=visitor.contact_number),
        "authn": {"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
        "sign_response": True,
        "sign_assertion": True,
        **overrides,
    }
    response = server.create_authn_response(**args)
    info = server.apply_binding(
        BINDING_HTTP_POST, str(response), args["destination"], "/account/", response=True
    )
    return saml_form(type("R", (), {"content": info["data"].encode()})())[1]


def test_a_well_signed_control_response_is_accepted(client, visitor):
    fields = _signed_response(visitor, _outstanding_request_id(client))
    assert client.post("/saml2/acs/", fields).status_code == 302
    assert _is_signed_in(client)


@pytest.mark.parametrize(
    "overrides",
    [
        {"destination": "http://evil.example/saml2/acs/"},
        {"in_response_to": "id-not-a-request-we-sent"},
    ],
    ids=["wrong-destination", "wrong-in-response-to"],
)
def test_signed_but_misaddressed_responses_are_refused(client, visitor, overrides):
    fields = _signed_response(visitor, _outstanding_request_id(client), **overrides)
    assert client.post("/saml2/acs/", fields).status_code in (400, 403)
    assert not _is_signed_in(client)


def test_an_expired_response_is_refused(client, visitor, monkeypatch):
    import time as time_module

    fields = _signed_response(visitor, _outstanding_request_id(client))
    real_gmtime, later = time_module.gmtime, time_module.time() + 3600
    monkeypatch.setattr(
        time_module, "gmtime", lambda secs=None: real_gmtime(later if secs is None else secs)
    )
    assert client.post("/saml2/acs/", fields).status_code in (400, 403)
    assert not _is_signed_in(client)


def test_website_user_is_updated_at_each_sign_in(client, visitor):
    follow(client, sign_in_through_idp(client))
    client.get("/saml2/signout/")
    visitor.last_name = "Shapira-Levi"
    visitor.save()
    follow(client, client.post("/idp/logout/"))
    follow(client, sign_in_through_idp(client))
    user = get_user_model().objects.get(username=f"stx-{visitor.contact_number}")
    assert user.last_name == "Shapira-Levi"
    assert get_user_model().objects.count() == 1


def test_staff_with_the_same_username_cannot_be_taken_over(client, visitor, django_user_model):
    django_user_model.objects.create_user(
        f"stx-{visitor.contact_number}", "staff@example.com", "x", is_staff=True
    )
    response = follow(client, sign_in_through_idp(client))
    assert response.status_code == 403
    assert not _is_signed_in(client)


def test_the_websites_metadata_is_served(client):
    body = client.get("/saml2/metadata/").content.decode()
    assert 'entityID="http://testserver/saml2/metadata/"' in body
    assert "http://testserver/saml2/acs/" in body and 'AuthnRequestsSigned="true"' in body


def test_round_trip_through_the_projects_own_urls(client, visitor, settings):
    """The same round trip with the project's URLconf (website.urls), not this folder's."""
    settings.ROOT_URLCONF = "website.urls"
    response = follow(client, sign_in_through_idp(client, next_url="/account/friends/"))
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/account/friends/"
    assert _is_signed_in(client)
    response = follow(client, client.get("/saml2/signout/"))
    assert not _is_signed_in(client)
    assert client.get("/account/")["Location"].startswith("/idp/login/")


def test_an_abandoned_sso_request_does_not_hijack_a_later_direct_sign_in(client, visitor):
    follow(client, client.get("/saml2/login/?next=/account/"))  # the IdP's sign-in page, left
    response = client.get("/account/friends/")
    assert response.status_code == 302
    signed = client.post(
        "/idp/login/",
        {"email": visitor.email, "password": "Correct-Horse-42", "next": "/account/friends/"},
    )
    assert signed.status_code == 302 and signed["Location"] == "/account/friends/"
    assert not _is_signed_in(client)  # the website was not signed in behind the visitor's back
