"""S1/S2 for more than one website: the IdP's registry of service providers (issue 15).

A second SP — its own keys and entity id, made here, speaking pysaml2's client rather than
djangosaml2 — is registered through the back office over HTTP, then signs a visitor in and
out, while the bundled website keeps signing in."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT

from tests.fixtures.identity import PASSWORD, follow, local, saml_form, sign_in_through_idp
from ticketshop.idp import keys
from ticketshop.idp.models import ServiceProvider
from ticketshop.idp.saml import xmlsec_binary

pytestmark = pytest.mark.django_db

PARTNER = "https://partner.example/saml/metadata"
PARTNER_ACS = "https://partner.example/saml/acs"
PARTNER_SLO = "https://partner.example/saml/slo"
IDP = "http://testserver/idp/metadata/"


def partner_config(directory, idp_metadata, entity_id=PARTNER, want_response_signed=True):
    key, cert = directory / "partner.key", directory / "partner.crt"
    keys.generate_key_pair(key, cert, "partner service provider")
    (directory / "idp.xml").write_text(idp_metadata)
    conf = SPConfig()
    conf.load(
        {
            "entityid": entity_id,
            "xmlsec_binary": xmlsec_binary(),
            "key_file": str(key),
            "cert_file": str(cert),
            "metadata": {"local": [str(directory / "idp.xml")]},
            "allow_unknown_attributes": True,
            "service": {
                "sp": {
                    "name_id_format": NAMEID_FORMAT_PERSISTENT,
                    "endpoints": {
                        "assertion_consumer_service": [(PARTNER_ACS, BINDING_HTTP_POST)],
                        "single_logout_service": [(PARTNER_SLO, BINDING_HTTP_REDIRECT)],
                    },
                    "authn_requests_signed": True,
                    "logout_requests_signed": True,
                    "want_assertions_signed": True,
                    "want_response_signed": want_response_signed,
                }
            },
        }
    )
    return conf


@pytest.fixture
def project_urls(settings):
    settings.ROOT_URLCONF = "website.urls"  # the back office at /backoffice/


@pytest.fixture
def back_office(project_urls, django_user_model):
    staff = Client()
    staff.force_login(django_user_model.objects.create_superuser("boss", "b@example.com", "x"))
    return staff


@pytest.fixture
def partner(back_office, tmp_path, client):
    conf = partner_config(tmp_path, client.get("/idp/metadata/").content.decode())
    metadata = str(entity_descriptor(conf)).encode()
    response = back_office.post(
        "/backoffice/ticketshop_idp/serviceprovider/add/",
        {
            "name": "Partner app",
            "metadata_url": "",
            "metadata_file": SimpleUploadedFile("partner.xml", metadata, "text/xml"),
            "released_attributes": ["uid", "mail", "givenName"],
            "sign_response": "on",  # this partner wants both signed
            "enabled": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Saml2Client(config=conf)


def _sign_in_at_partner(client, sp, visitor, password=PASSWORD):
    request_id, info = sp.prepare_for_authenticate(entityid=IDP, binding=BINDING_HTTP_REDIRECT)
    response = client.get(local(dict(info["headers"])["Location"]))
    if response.status_code == 302 and response["Location"].startswith("/idp/login/"):
        response = client.post("/idp/login/", {"email": visitor.email, "password": password})
    action, fields = saml_form(response)
    assert action == PARTNER_ACS
    return sp.parse_authn_request_response(
        fields["SAMLResponse"], BINDING_HTTP_POST, outstanding={request_id: "/"}
    )


def test_the_back_office_shows_what_the_metadata_says(back_office, partner):
    provider = ServiceProvider.objects.get(entity_id=PARTNER)
    page = back_office.get(f"/backoffice/ticketshop_idp/serviceprovider/{provider.pk}/change/")
    body = page.content.decode()
    assert PARTNER_ACS in body and PARTNER_SLO in body and "SHA-256" in body
    assert "partner service provider" in body  # the certificate's subject


def test_a_second_sp_signs_in_and_out_while_the_website_still_signs_in(
    client, partner, visitor, project_urls
):
    # the partner: signed in, with only the attributes the back office releases to it
    result = _sign_in_at_partner(client, partner, visitor)
    assert result.name_id.text == visitor.contact_number
    assert result.ava == {
        "uid": [visitor.contact_number],
        "mail": [visitor.email],
        "givenName": ["Michel"],
    }
    # the partner signs out (SP-initiated single logout): the IdP answers, signed, and forgets
    request_id, logout = partner.create_logout_request(
        "http://testserver/idp/slo/redirect/", IDP, name_id=result.name_id, sign=False
    )
    info = partner.apply_binding(
        BINDING_HTTP_REDIRECT, str(logout), "http://testserver/idp/slo/redirect/", "rs", sign=True
    )
    answer = client.get(local(dict(info["headers"])["Location"]))
    assert answer.status_code == 302 and answer["Location"].startswith(PARTNER_SLO)
    query = parse_qs(urlsplit(answer["Location"]).query)
    parsed = partner.parse_logout_request_response(query["SAMLResponse"][0], BINDING_HTTP_REDIRECT)
    assert parsed.response.in_response_to == request_id and parsed.status_ok()
    assert client.get("/account/")["Location"].startswith("/idp/login/")
    # the bundled website still signs in through the same IdP
    website = Client()
    response = follow(website, sign_in_through_idp(website))
    assert response.request["PATH_INFO"] == "/account/"
    assert "_auth_user_id" in website.session


def test_the_idps_sign_out_sends_a_logout_request_to_every_sp(client, partner, visitor):
    follow(client, sign_in_through_idp(client))  # the website
    _sign_in_at_partner(client, partner, visitor)  # then the partner, without a password
    assert "_auth_user_id" in client.session
    response = client.post("/idp/logout/", {"next": "/"})
    # the website first: a signed LogoutRequest, its LogoutResponse back to the IdP…
    hops = 0
    while urlsplit(response["Location"]).netloc in ("", "testserver"):
        assert response.status_code == 302 and hops < 6
        response, hops = client.get(local(response["Location"])), hops + 1
    assert "_auth_user_id" not in client.session  # the website signed out
    # …then the partner, with a request its own pysaml2 verifies
    location = response["Location"]
    assert location.startswith(PARTNER_SLO)
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    request = partner.parse_logout_request(
        query["SAMLRequest"],
        BINDING_HTTP_REDIRECT,
        relay_state=query["RelayState"],
        sigalg=query["SigAlg"],
        signature=query["Signature"],
    )
    assert request.message.name_id.text == visitor.contact_number
    answer = partner.create_logout_response(request.message, [BINDING_HTTP_REDIRECT])
    info = partner.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(answer),
        "http://testserver/idp/slo/redirect/",
        query["RelayState"],
        response=True,
        sign=True,
    )
    done = client.get(local(dict(info["headers"])["Location"]))
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/account/")["Location"].startswith("/idp/login/")


def test_a_switched_off_sp_cannot_sign_in(client, partner, visitor):
    ServiceProvider.objects.filter(entity_id=PARTNER).update(enabled=False)
    _request_id, info = partner.prepare_for_authenticate(
        entityid=IDP, binding=BINDING_HTTP_REDIRECT
    )
    assert client.get(local(dict(info["headers"])["Location"])).status_code == 400


def test_bad_metadata_is_refused_with_a_message(back_office):
    response = back_office.post(
        "/backoffice/ticketshop_idp/serviceprovider/add/",
        {
            "name": "Broken",
            "metadata_file": SimpleUploadedFile("x.xml", b"<not-metadata/>", "text/xml"),
            "released_attributes": ["uid"],
        },
    )
    assert response.status_code == 200
    assert "must be one md:EntityDescriptor" in response.content.decode()
    assert not ServiceProvider.objects.filter(name="Broken").exists()


def test_keys_a_website_brings_are_never_overwritten(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    settings.TICKETSHOP = {**settings.TICKETSHOP, "KEYS_DIR": tmp_path}
    brought = b"-----BEGIN CERTIFICATE-----\nbrought by the website\n-----END CERTIFICATE-----\n"
    (tmp_path / "sp.crt").write_bytes(brought)  # the website's certificate, its key elsewhere
    call_command("generate_saml_keys", stdout=StringIO())
    assert (tmp_path / "sp.crt").read_bytes() == brought
    assert not (tmp_path / "sp.key").exists()
    assert (tmp_path / "idp.key").stat().st_mode & 0o077 == 0


def test_an_sp_rotating_its_key_is_trusted_with_either_certificate(
    back_office, client, visitor, tmp_path
):
    """Two signing certificates in the SP's metadata (a rotation): requests signed with the
    outgoing or the incoming key are both accepted."""
    import re

    idp_metadata = client.get("/idp/metadata/").content.decode()
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    old = partner_config(tmp_path / "old", idp_metadata, want_response_signed=False)
    new = partner_config(tmp_path / "new", idp_metadata, want_response_signed=False)
    metadata = str(entity_descriptor(old))
    pattern = r"<(?:\w+:)?KeyDescriptor.*?</(?:\w+:)?KeyDescriptor>"
    new_key_descriptor = re.search(pattern, str(entity_descriptor(new)), re.S).group(0)
    first = re.search(pattern, metadata, re.S).start()
    both = metadata[:first] + new_key_descriptor + metadata[first:]
    response = back_office.post(
        "/backoffice/ticketshop_idp/serviceprovider/add/",
        {
            "name": "Rotating partner",
            "metadata_file": SimpleUploadedFile("p.xml", both.encode(), "text/xml"),
            "released_attributes": ["uid"],
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    provider = ServiceProvider.objects.get(entity_id=PARTNER)
    assert len(provider.parsed().certificates) == 2
    for conf in (old, new):
        signed_in = Client()
        result = _sign_in_at_partner(signed_in, Saml2Client(config=conf), visitor)
        assert result.ava == {"uid": [visitor.contact_number]}
