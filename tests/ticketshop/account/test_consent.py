"""Issue 4 beyond the seeds: "Linked contacts must consent" on the point of sales."""

import re

import pytest
from django.core import mail

from tests.fixtures.identity import PASSWORD, make_contact
from ticketshop.contacts.models import ContactLink
from ticketshop.contacts.services import usable_links

pytestmark = pytest.mark.django_db


@pytest.fixture
def consent(point_of_sales):
    point_of_sales.linked_contacts_must_consent = True
    point_of_sales.save()
    return point_of_sales


@pytest.fixture
def signed_in(client, visitor):
    assert (
        client.post("/idp/login/", {"email": visitor.email, "password": PASSWORD}).status_code
        == 302
    )
    return client


@pytest.fixture
def add(django_capture_on_commit_callbacks):
    def post(client, email, first_name, last_name):
        with django_capture_on_commit_callbacks(execute=True):  # emails go after the commit
            return client.post(
                "/account/friends/add/",
                {"email": email, "first_name": first_name, "last_name": last_name},
                follow=True,
            )

    return post


def accept_url():
    (message,) = mail.outbox
    return re.search(r"https?://\S+/account/friends/accept/\?token=\S+", message.body).group(0)


def test_an_existing_contact_must_accept_and_is_pending_until_then(
    consent,
    signed_in,
    visitor,
    organisation,
    client,
    add,
):
    miso = make_contact(organisation, "miso@example.com", "Miso", "Milicevic", language="de")
    page = add(signed_in, "miso@example.com", "Miso", "Milicevic").content.decode()
    link = ContactLink.objects.get(parent=visitor, child=miso)
    assert link.is_pending
    assert "miso@example.com" not in page.split("<table")[1]  # email hidden while pending
    assert list(usable_links(visitor)) == []  # not usable for booking
    (message,) = mail.outbox
    assert message.to == ["miso@example.com"] and "Freunde und Familie" in message.subject

    url = accept_url()
    path = url.split("://", 1)[1].split("/", 1)[1]
    anonymous = client.__class__()
    assert anonymous.get("/" + path).status_code == 200  # no sign-in needed: the token suffices
    token = re.search(r"token=(\S+)", url).group(1)
    from urllib.parse import unquote

    response = anonymous.post("/account/friends/accept/", {"token": unquote(token)})
    assert response.status_code == 200
    link.refresh_from_db()
    assert not link.is_pending
    assert list(usable_links(visitor)) == [link]
    page = signed_in.get("/account/friends/").content.decode()
    assert "miso@example.com" in page
    # a used token does not work twice
    assert anonymous.post("/account/friends/accept/", {"token": unquote(token)}).status_code == 404


def test_a_new_contact_needs_no_acceptance(consent, signed_in, visitor, add):
    add(signed_in, "marko@example.com", "Marko", "Milicevic")
    link = ContactLink.objects.get(parent=visitor)
    assert not link.is_pending  # their account was just made for them, they were told


def test_without_the_option_links_are_usable_at_once(
    point_of_sales,
    signed_in,
    visitor,
    organisation,
    add,
):
    make_contact(organisation, "miso@example.com", "Miso", "Milicevic")
    add(signed_in, "miso@example.com", "Miso", "Milicevic")
    link = ContactLink.objects.get(parent=visitor)
    assert not link.is_pending and list(usable_links(visitor)) == [link]
    assert not mail.outbox


@pytest.mark.parametrize("token", ["", "forged", "eyJsaW5rIjoxfQ:forged:sig"])
def test_a_bad_token_changes_nothing(client, token, consent, visitor, organisation):
    miso = make_contact(organisation, "miso@example.com", "Miso", "Milicevic")
    link = ContactLink.objects.create(parent=visitor, child=miso, kind_id=None or _kind(visitor))
    ContactLink.objects.filter(pk=link.pk).update(accepted_at=None)
    assert client.post("/account/friends/accept/", {"token": token}).status_code == 404
    link.refresh_from_db()
    assert link.is_pending


def _kind(contact):
    from ticketshop.contacts.services import default_link_kind

    return default_link_kind(contact.organisation).pk
