"""Issue 14 (and 18's leak): the rules moved out of the views behave as before, `?lang=` is
scoped to its request, and every email goes out in text and HTML in the recipient's language."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from tests.fixtures.identity import PASSWORD, make_contact
from ticketshop.contacts.services import contact_from_token, contact_tokens, link_contact
from ticketshop.organisation.points_of_sale import current_point_of_sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, visitor):
    response = client.post("/idp/login/", {"email": visitor.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_requested_language_does_not_outlive_its_request(signed_in):
    """Before: `?lang=fr` activated French for the thread and never restored it, so whatever
    ran next in that thread (a task, another test) spoke French."""
    response = signed_in.get("/account/friends/?lang=fr", HTTP_ACCEPT_LANGUAGE="en")
    assert "Amis et famille" in response.content.decode()
    assert response["Content-Language"] == "fr"
    assert translation.get_language() != "fr"
    with translation.override("en"):
        assert translation.gettext("Friends and family") == "Friends and family"


def test_registration_page_is_in_the_requested_language_and_only_there(client, point_of_sales):
    response = client.get("/account/register/?lang=de", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Language"] == "de"
    assert translation.get_language() != "de"


def test_the_point_of_sales_is_the_configured_one_or_none(settings, point_of_sales):
    assert current_point_of_sales() == point_of_sales
    settings.TICKETSHOP = {**settings.TICKETSHOP, "POINT_OF_SALES_CODE": "NOSUCH"}
    assert current_point_of_sales() is None  # never another point of sales


def test_emails_are_text_and_html_in_the_recipients_language(
    visitor, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link, created = link_contact(visitor, "ana@example.com", "Ana <Jo> & D'Arc", "Lopez")
    assert created
    (message,) = mail.outbox
    assert message.subject == "Un compte a été créé pour vous"  # Michel speaks French
    assert "Michel Shapira vous a ajouté(e)" in message.body
    assert "Bonjour Ana <Jo> & D'Arc," in message.body  # plain text, as typed
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html" and '<html lang="fr">' in html
    url = re.search(r"http://testserver/account/activate/\S+", message.body).group(0)
    assert f'<a href="{url.replace("&", "&amp;")}"' in html
    assert "Bonjour Ana &lt;Jo&gt; &amp; D&#x27;Arc," in html  # escaped in HTML


def test_the_activation_link_confirms_the_address_and_leads_to_choosing_a_password(
    client, visitor, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        link, _created = link_contact(visitor, "ana@example.com", "Ana", "Lopez")
    ana = link.child
    url = re.search(r"http://testserver(/account/activate/\S+)", mail.outbox[0].body).group(1)
    response = client.get(url)
    assert response.status_code == 302 and "/idp/password/reset/" in response["Location"]
    ana.refresh_from_db()
    assert ana.email_confirmed and not ana.has_usable_password()
    token = contact_tokens.make_token(ana)
    assert contact_from_token(ana.contact_number, token) == ana
    assert contact_from_token(ana.contact_number, "1-bad") is None
    assert contact_from_token("", token) is None


def test_the_lockout_still_refuses_the_right_password(visitor):
    client = Client()
    for _attempt in range(5):
        wrong = client.post("/idp/login/", {"email": visitor.email, "password": "nope"})
    assert wrong.status_code == 429
    right = client.post("/idp/login/", {"email": visitor.email, "password": PASSWORD})
    assert right.status_code == 429
    other = make_contact(visitor.organisation, "other@example.com", "Other", "One")
    assert (
        client.post("/idp/login/", {"email": other.email, "password": PASSWORD}).status_code == 302
    )
