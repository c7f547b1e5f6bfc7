import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from ticketshop.contacts.models import Contact
from ticketshop.organisation.models import Organisation, PointOfSales, SalesChannel

PASSWORD = "Correct-Horse-42"


def secutix_settings(keys_dir):
    return {
        **settings.SECUTIX,
        "KEYS_DIR": keys_dir,
        "API_BASE_URL": "http://testserver",
        "WEBSITE_URL": "http://testserver",
        "IDP_METADATA_URL": "",
        "ORGANISATION_CODE": "CUBE",
        "CHANNEL_CODE": "WEB",
        "POINT_OF_SALES_CODE": "TICKETSHOP",
    }


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("saml-keys")
    with override_settings(SECUTIX=secutix_settings(directory)):
        call_command("generate_saml_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return directory


@pytest.fixture(autouse=True)
def saml_settings(settings, keys_dir):
    settings.SECUTIX = secutix_settings(keys_dir)
    settings.ROOT_URLCONF = "tests.accounts.urls"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(code="CUBE", name="The CUBE")


@pytest.fixture
def point_of_sales(organisation):
    channel = SalesChannel.objects.create(organisation=organisation, code="WEB", name="Internet")
    return PointOfSales.objects.create(
        channel=channel,
        code="TICKETSHOP",
        name="Ticketshop",
        allow_purchase_for_friends_family=True,
    )


def make_contact(organisation, email, first_name, last_name, password=PASSWORD, **extra):
    contact = Contact(
        organisation=organisation,
        email=email,
        first_name=first_name,
        last_name=last_name,
        **extra,
    )
    if password:
        contact.set_password(password)
    contact.save()
    return contact


@pytest.fixture
def website_sp(db, saml_settings):
    """The bundled website in the IdP's registry of service providers, as the set-up does."""
    call_command("register_website_sp", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def visitor(organisation, point_of_sales, website_sp):
    return make_contact(
        organisation, "michel.shapira@example.com", "Michel", "Shapira", title="MR", language="fr"
    )


FORM_RE = re.compile(r"<form[^>]*action=\"([^\"]+)\"", re.I)
INPUT_RE = re.compile(r"<input[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"", re.I)


def saml_form(response):
    """(action, fields) of an auto-posting SAML form, or None."""
    body = response.content.decode()
    if "SAMLRequest" not in body and "SAMLResponse" not in body:
        return None
    action = unescape(FORM_RE.search(body).group(1))
    fields = {unescape(n): unescape(v) for n, v in INPUT_RE.findall(body)}
    return action, fields


def local(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def follow(client, response, hops=12, stop_at_saml_response=False):
    """Follow redirects and auto-posting SAML forms, as a browser does."""
    for _ in range(hops):
        if response.status_code in (301, 302, 303):
            response = client.get(local(response["Location"]))
            continue
        form = response.status_code == 200 and saml_form(response)
        if form:
            action, fields = form
            if stop_at_saml_response and "SAMLResponse" in fields and "/saml2/" in action:
                return response
            response = client.post(local(action), fields)
            continue
        return response
    raise AssertionError("too many hops")


def sign_in_through_idp(
    client, email="michel.shapira@example.com", password=PASSWORD, next_url="/account/"
):
    response = follow(client, client.get(f"/saml2/login/?next={next_url}"))
    assert response.status_code == 200 and 'name="password"' in response.content.decode()
    response = client.post("/idp/login/", {"email": email, "password": password})
    return response


POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"


def posted_authn_request(client, next_url="/account/"):
    """(action, fields) of the website's AuthnRequest sent with the POST binding (the default
    is the redirect binding): a signed XML document, to replay or tamper with."""
    with override_settings(SAML_DEFAULT_BINDING=POST_BINDING):
        action, fields = saml_form(client.get(f"/saml2/login/?next={next_url}"))
    return local(action), fields
