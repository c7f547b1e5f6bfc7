"""F4: friends and family, through the service and through the account area's pages."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tests.fixtures.identity import PASSWORD, make_contact
from ticketshop.contacts.models import Contact, ContactLink
from ticketshop.contacts.services import link_contact, unlink_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, visitor):
    response = client.post("/idp/login/", {"email": visitor.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


# --- the service -----------------------------------------------------------------------------


def test_new_email_creates_the_contact_links_it_and_sends_an_activation_link(
    visitor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link, created = link_contact(visitor, "Marko.Milicevic@example.com", " Marko ", "Milicevic")
    assert created
    child = link.child
    assert (link.parent, child.organisation) == (visitor, visitor.organisation)
    assert (child.first_name, child.last_name) == ("Marko", "Milicevic")
    assert child.email == "Marko.Milicevic@example.com"
    assert not child.has_usable_password()
    assert child.contact_number and child.contact_number != visitor.contact_number
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Marko.Milicevic@example.com"]
    # in the new contact's language (they inherit the visitor's: French here)
    assert child.language == "fr"
    assert message.subject == "Un compte a été créé pour vous"
    assert "Michel Shapira vous a ajouté(e)" in message.body
    assert f"contactNumber={child.contact_number}" in message.body
    assert PASSWORD not in message.body


def test_activation_link_lets_the_new_contact_choose_a_password(
    client, visitor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link, _ = link_contact(visitor, "marko@example.com", "Marko", "Milicevic")
    url = re.search(r"http://testserver(/account/activate/\S+)", mail.outbox[0].body).group(1)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/idp/password/reset/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    query = response["Location"].split("?", 1)[1]
    params = dict(p.split("=", 1) for p in query.split("&"))
    saved = client.post(
        "/idp/password/reset/",
        {**params, "password1": "Another-Secret-77", "password2": "Another-Secret-77"},
    )
    assert saved.status_code == 302
    child = Contact.objects.get(pk=link.child.pk)
    assert child.check_password("Another-Secret-77") and child.email_confirmed
    # the token is single-use: the password changed, so the link no longer works
    assert client.get(url).status_code == 400
    # and the contact can now sign in
    assert (
        client.post(
            "/idp/login/", {"email": "marko@example.com", "password": "Another-Secret-77"}
        ).status_code
        == 302
    )


def test_existing_email_with_matching_names_links_without_creating(visitor, organisation):
    existing = make_contact(organisation, "emmanuelle@example.com", "Émmanuelle", "Milićević")
    link, created = link_contact(visitor, "EMMANUELLE@example.com", "emmanuelle ", "  MILICEVIC")
    assert not created and link.child == existing and link.parent == visitor
    assert Contact.objects.count() == 2
    assert not mail.outbox


def test_existing_email_with_other_names_is_refused_and_changes_nothing(visitor, organisation):
    make_contact(organisation, "miso@example.com", "Miso", "Milicevic")
    with pytest.raises(ValidationError) as error:
        link_contact(visitor, "miso@example.com", "Someone", "Else")
    assert error.value.messages == [
        "This email address is already in use and does not match the name entered."
    ]
    assert not ContactLink.objects.exists()
    assert Contact.objects.count() == 2


def test_linking_yourself_or_twice_is_refused(visitor, organisation):
    with pytest.raises(ValidationError, match="yourself"):
        link_contact(visitor, visitor.email, visitor.first_name, visitor.last_name)
    make_contact(organisation, "miso@example.com", "Miso", "Milicevic")
    link_contact(visitor, "miso@example.com", "Miso", "Milicevic")
    with pytest.raises(ValidationError, match="already"):
        link_contact(visitor, "miso@example.com", "Miso", "Milicevic")
    assert ContactLink.objects.count() == 1


def test_unlink_only_touches_the_parents_own_links(visitor, organisation):
    other = make_contact(organisation, "other@example.com", "Other", "Parent")
    link, _ = link_contact(visitor, "miso@example.com", "Miso", "Milicevic")
    assert not unlink_contact(other, link.pk)
    assert ContactLink.objects.filter(pk=link.pk).exists()
    assert unlink_contact(visitor, link.pk)
    assert not ContactLink.objects.exists()


def test_adding_is_rate_limited_per_visitor(visitor, organisation):
    make_contact(organisation, "miso@example.com", "Miso", "Milicevic")
    for _ in range(20):
        with pytest.raises(ValidationError, match="does not match"):
            link_contact(visitor, "miso@example.com", "Wrong", "Name")
    with pytest.raises(ValidationError, match="Too many"):
        link_contact(visitor, "miso@example.com", "Miso", "Milicevic")
    assert not ContactLink.objects.exists()


# --- the pages -------------------------------------------------------------------------------


MENU = [
    "Home page",
    "Offers",
    "TICKETS",
    "Tickets",
    "Resell tickets",
    "Order history",
    "Subscriptions",
    "ACCOUNT SETTINGS",
    "Profile",
    "Password",
    "Address book",
    "COMMUNITY",
    "Friends and family",
    "View products",
    "Log out",
]


def test_friends_page_shows_the_menu_the_notice_and_the_table(signed_in, visitor, organisation):
    make_contact(organisation, "miso@example.com", "Miso", "Milicevic")
    link_contact(visitor, "miso@example.com", "Miso", "Milicevic")
    body = signed_in.get("/account/friends/").content.decode()
    positions = [
        body.index(f">{label}<") if f">{label}<" in body else body.index(label) for label in MENU
    ]
    assert positions == sorted(positions)
    assert "Keep your details up to date" in body
    assert "Manage friends and family" in body
    for header in ["Contact number", "Last name", "First name", "Email address", "Actions"]:
        assert header in body
    assert "MILICEVIC" in body and "miso@example.com" in body
    assert "An account is created (and the person told) when the contact is new." in body
    assert 'name="csrfmiddlewaretoken"' in body


def test_add_through_the_page_without_javascript(signed_in, visitor):
    response = signed_in.post(
        "/account/friends/add/",
        {"email": "marko@example.com", "first_name": "Marko", "last_name": "Milicevic"},
    )
    assert response.status_code == 302
    body = signed_in.get(response["Location"]).content.decode()
    assert "marko@example.com" in body and "MILICEVIC" in body
    assert ContactLink.objects.get().parent == visitor


def test_add_with_fetch_returns_the_updated_panel(signed_in, visitor):
    response = signed_in.post(
        "/account/friends/add/",
        {"email": "marko@example.com", "first_name": "Marko", "last_name": "Milicevic"},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "marko@example.com" in body and "<html" not in body


def test_name_mismatch_is_shown_on_the_page(signed_in, visitor, organisation):
    make_contact(organisation, "miso@example.com", "Miso", "Milicevic")
    response = signed_in.post(
        "/account/friends/add/",
        {"email": "miso@example.com", "first_name": "Not", "last_name": "Him"},
    )
    assert response.status_code == 400
    assert (
        "This email address is already in use and does not match the name entered."
        in response.content.decode()
    )
    assert not ContactLink.objects.exists()


def test_removing_someone_elses_link_is_404_and_changes_nothing(signed_in, visitor, organisation):
    other = make_contact(organisation, "other@example.com", "Other", "Parent")
    theirs, _ = link_contact(other, "miso@example.com", "Miso", "Milicevic")
    mine, _ = link_contact(visitor, "marko@example.com", "Marko", "Milicevic")
    assert signed_in.post(f"/account/friends/{theirs.pk}/remove/").status_code == 404
    assert ContactLink.objects.filter(pk=theirs.pk).exists()
    assert signed_in.get(f"/account/friends/{theirs.pk}/remove/").status_code == 405
    assert signed_in.post(f"/account/friends/{mine.pk}/remove/").status_code == 302
    assert not ContactLink.objects.filter(pk=mine.pk).exists()


def test_forms_need_the_csrf_token(visitor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.post("/idp/login/", {"email": visitor.email, "password": PASSWORD})  # no token
    assert client.get("/account/friends/").status_code == 302  # the sign-in was refused
    client.get("/idp/login/")
    token = client.cookies["csrftoken"].value
    client.post(
        "/idp/login/", {"email": visitor.email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    response = client.post(
        "/account/friends/add/",
        {"email": "marko@example.com", "first_name": "Marko", "last_name": "Milicevic"},
    )
    assert response.status_code == 403
    assert not ContactLink.objects.exists()


def test_feature_is_absent_when_the_point_of_sales_disallows_it(signed_in, point_of_sales):
    point_of_sales.allow_purchase_for_friends_family = False
    point_of_sales.save()
    assert signed_in.get("/account/friends/").status_code == 404
    assert (
        signed_in.post(
            "/account/friends/add/",
            {"email": "marko@example.com", "first_name": "Marko", "last_name": "Milicevic"},
        ).status_code
        == 404
    )
    assert "Friends and family" not in signed_in.get("/account/").content.decode()
    assert not ContactLink.objects.exists()


def test_account_area_needs_the_contact_signed_in(client, visitor):
    response = client.get("/account/friends/")
    assert response.status_code == 302
    assert response["Location"] == "/idp/login/?next=%2Faccount%2Ffriends%2F"
    back = client.post(
        "/idp/login/",
        {"email": visitor.email, "password": PASSWORD, "next": "/account/friends/"},
    )
    assert back["Location"] == "/account/friends/"


@pytest.mark.parametrize(
    "path",
    ["/account/", "/account/tickets/", "/account/orders/", "/account/edit/", "/account/addresses/"],
)
def test_account_pages_render_the_menu(signed_in, path):
    response = signed_in.get(path)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Client account" in body and "Log out" in body and "Keep your details up to date" in body


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("fr", ["Gérer les amis et la famille", "Amis et famille", "Gardez vos informations"]),
        ("de", ["Freunde und Familie verwalten", "Kundenkonto", "Halten Sie Ihre Angaben"]),
        ("es", ["Gestionar amigos y familiares", "Familiares y amigos", "Mantenga sus datos"]),
        ("en", ["Manage friends and family", "Friends and family", "Keep your details"]),
    ],
)
def test_friends_page_in_the_four_languages(signed_in, lang, expected):
    body = signed_in.get(f"/account/friends/?lang={lang}").content.decode()
    for text in expected:
        assert text in body


def test_name_mismatch_message_is_translated(signed_in, visitor, organisation):
    make_contact(organisation, "miso@example.com", "Miso", "Milicevic")
    response = signed_in.post(
        "/account/friends/add/?lang=fr",
        {"email": "miso@example.com", "first_name": "Not", "last_name": "Him"},
    )
    assert (
        "Cette adresse e-mail est déjà utilisée et ne correspond pas au nom saisi."
        in response.content.decode()
    )
