"""L3: registration in four sections, the show* flags, the email confirmation, callbackUrl."""

import re

import pytest
from django.core import mail

from tests.fixtures.identity import registration_data as _data
from ticketshop.contacts.models import Contact, Criterion, LegalAuthorisation

pytestmark = pytest.mark.django_db

COOKIE = "stx_contact_CUBE_WEB_v1"


@pytest.fixture
def extras(organisation):
    return (
        Criterion.objects.create(organisation=organisation, code="OPERA", name_en="Opera"),
        LegalAuthorisation.objects.create(
            organisation=organisation, code="NEWSLETTER", name_en="Newsletter"
        ),
    )


def test_the_four_sections_and_the_flags(client, point_of_sales, extras):
    body = client.get("/account/register/").content.decode()
    for marker in [
        "section-access",
        "section-profile",
        "section-criteria",
        "section-authorisations",
    ]:
        assert marker in body
    assert "Opera" in body and "Newsletter" in body and 'name="line1"' in body
    hidden = client.get(
        "/account/register/?showAddress=false&showCriteria=false&showAuthorization=false"
    ).content.decode()
    assert "section-criteria" not in hidden and "section-authorisations" not in hidden
    assert 'name="line1"' not in hidden and 'name="first_name"' in hidden


def test_registering_creates_the_contact_signs_in_and_asks_to_confirm(
    client, point_of_sales, extras, django_capture_on_commit_callbacks
):
    opera, newsletter = extras
    point_of_sales.allowed_return_hosts = "www.thecube.example"
    point_of_sales.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/account/register/?callbackUrl=https://www.thecube.example/en/",
            _data(interests=[opera.pk], consent_NEWSLETTER="on"),
        )
    assert response.status_code == 302
    assert response["Location"] == "https://www.thecube.example/en/"
    contact = Contact.objects.get(email="lena@example.com")
    assert contact.check_password("Quiet-Harbour-81") and not contact.email_confirmed
    assert contact.addresses.get().city == "Lyon" and contact.addresses.get().country == "FR"
    assert list(contact.interests.all()) == [opera]
    assert contact.consents.get(authorisation=newsletter).granted
    assert client.cookies[COOKIE].value
    assert client.get("/account/").status_code == 200
    url = re.search(r"http://testserver(/account/activate/\S+)", mail.outbox[0].body).group(1)
    # signing in again (a new last sign-in time) does not spoil the confirmation link
    client.post("/idp/logout/")
    client.post("/idp/login/", {"email": "lena@example.com", "password": "Quiet-Harbour-81"})
    assert client.get(url).status_code == 302
    assert Contact.objects.get(pk=contact.pk).email_confirmed


def test_an_unknown_callback_host_is_not_followed(client, point_of_sales):
    response = client.post("/account/register/?callbackUrl=https://evil.example/", _data())
    assert response["Location"] == "/account/"


def test_bad_input_changes_nothing(client, point_of_sales, visitor):
    for data in [
        _data(password2="something-else"),
        _data(password1="123", password2="123"),
        _data(email=visitor.email.upper()),
        _data(city=""),
    ]:
        response = client.post("/account/register/", data)
        assert response.status_code == 400
    assert Contact.objects.count() == 1
    assert (
        "A contact with this email address already exists."
        in client.post("/account/register/", _data(email=visitor.email)).content.decode()
    )


def test_edit_shows_the_sections_and_saves_only_what_was_shown(
    client, visitor, extras, point_of_sales
):
    opera, newsletter = extras
    visitor.addresses.create(
        line1="1 rue A", postcode="75001", city="Paris", country="FR", is_default=True
    )
    client.post("/idp/login/", {"email": visitor.email, "password": "Correct-Horse-42"})
    body = client.get("/account/edit/").content.decode()
    assert 'value="1 rue A"' in body and "Opera" in body and "Newsletter" in body
    assert 'name="password1"' not in body  # passwords change through the emailed link only
    response = client.post(
        "/account/edit/?showCriteria=false&showAuthorization=false",
        {
            "title": "DR",
            "first_name": "Michel",
            "last_name": "Shapira",
            "language": "de",
            "line1": "2 rue B",
            "postcode": "69001",
            "city": "Lyon",
            "country": "FR",
            "phone": "01",
        },
    )
    assert response.status_code == 302
    visitor.refresh_from_db()
    assert (visitor.title, visitor.language, visitor.phone) == ("DR", "de", "01")
    assert visitor.addresses.get().city == "Lyon"
    response = client.post(
        "/account/edit/?showAddress=false&callbackUrl=/en/",
        {
            "title": "DR",
            "first_name": "Michel",
            "last_name": "Shapira",
            "language": "de",
            "interests": [opera.pk],
            "consent_NEWSLETTER": "on",
        },
    )
    assert response["Location"] == "/en/"
    visitor.refresh_from_db()
    assert visitor.phone == "01" and visitor.addresses.get().city == "Lyon"  # hidden: untouched
    assert list(visitor.interests.all()) == [opera]
    assert visitor.consents.get(authorisation=newsletter).granted
    assert client.post("/account/edit/", {"first_name": "", "last_name": ""}).status_code == 400
