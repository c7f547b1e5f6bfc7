"""L3, S1: a contact's own account, through the rule functions that are its public face
(`ticketshop.contacts.services`): registration, the profile's hidden sections left alone,
confirming an address, choosing a password, and which contact signs in (issue 18: pinned by
mutation testing)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from ticketshop.contacts.accounts import create_contact
from ticketshop.contacts.models import Contact, Criterion, LegalAuthorisation
from ticketshop.contacts.services import (
    active_contact_by_email,
    choose_password,
    confirm_email,
    register_contact,
    update_contact_details,
)
from ticketshop.organisation.models import Organisation

pytestmark = pytest.mark.django_db

ADDRESS = {"line1": "1 rue de la Paix", "postcode": "75002", "city": "Paris", "country": "FR"}


@pytest.fixture
def other_org(db):
    return Organisation.objects.create(code="OTHER", name="Another organisation")


@pytest.fixture
def choices(org, other_org):
    """An interest and a consent of the organisation, and of another one."""
    return {
        "music": Criterion.objects.create(organisation=org, code="MUSIC", name_en="Music"),
        "foreign_interest": Criterion.objects.create(
            organisation=other_org, code="MUSIC", name_en="Music elsewhere"
        ),
        "news": LegalAuthorisation.objects.create(organisation=org, code="NEWS", name_en="News"),
        "partners": LegalAuthorisation.objects.create(
            organisation=org, code="PARTNERS", name_en="Partners"
        ),
        "foreign_consent": LegalAuthorisation.objects.create(
            organisation=other_org, code="NEWS", name_en="News elsewhere"
        ),
    }


def register(org, email="miso@example.com", **extra):
    return register_contact(
        org,
        email=email,
        password="a long enough password 42",
        first_name="  Miso   Ivan ",
        last_name=" Milicevic ",
        **extra,
    )


def test_registration_keeps_only_the_organisations_own_choices(
    org, choices, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contact = register(
            org,
            address=ADDRESS,
            interests=[choices["music"], choices["foreign_interest"]],
            consents={
                choices["news"]: True,
                choices["partners"]: False,
                choices["foreign_consent"]: True,
            },
        )
    contact = Contact.objects.get(pk=contact.pk)
    assert (contact.first_name, contact.last_name) == ("Miso Ivan", "Milicevic")
    assert contact.check_password("a long enough password 42")
    assert not contact.email_confirmed
    assert [a.city for a in contact.addresses.filter(is_default=True)] == ["Paris"]
    assert list(contact.interests.all()) == [choices["music"]]
    given = {c.authorisation.code: c.granted for c in contact.consents.all()}
    assert given == {"NEWS": True, "PARTNERS": False}  # the other organisation's: ignored
    assert [m.to for m in mail.outbox] == [["miso@example.com"]]  # the confirmation link


def test_registration_without_address_or_choices_stores_none(org):
    contact = register(org)
    assert not contact.addresses.exists()
    assert not contact.interests.exists() and not contact.consents.exists()


def test_an_address_already_registered_whatever_its_case_is_refused(org, make_contact):
    make_contact("miso@example.com")
    with pytest.raises(ValidationError) as refused:
        register(org, email="  MISO@Example.com ")
    assert refused.value.code == "email_taken"
    assert Contact.objects.count() == 1


@pytest.fixture
def registered(org, choices):
    return register(
        org,
        phone="+33 1 23 45 67 89",
        language="fr",
        address=ADDRESS,
        interests=[choices["music"]],
        consents={choices["news"]: True},
    )


def test_the_profiles_hidden_sections_are_left_as_they_are(registered):
    update_contact_details(registered, first_name=" Miso ", last_name="Milicevic-Shapira")
    contact = Contact.objects.get(pk=registered.pk)
    assert (contact.first_name, contact.last_name) == ("Miso", "Milicevic-Shapira")
    assert (contact.language, contact.phone) == ("fr", "+33 1 23 45 67 89")
    assert [a.city for a in contact.addresses.all()] == ["Paris"]
    assert [c.code for c in contact.interests.all()] == ["MUSIC"]
    assert [(c.authorisation.code, c.granted) for c in contact.consents.all()] == [("NEWS", True)]


def test_the_profiles_shown_sections_are_saved(registered, choices):
    update_contact_details(
        registered,
        first_name="Miso",
        last_name="Milicevic",
        language="de",
        phone="",
        address={**ADDRESS, "city": "Lyon", "postcode": "69001"},
        interests=[choices["foreign_interest"]],
        consents={choices["news"]: False, choices["foreign_consent"]: True},
    )
    contact = Contact.objects.get(pk=registered.pk)
    assert (contact.language, contact.phone) == ("de", "")
    assert [a.city for a in contact.addresses.all()] == ["Lyon"]  # the main address, replaced
    assert not contact.interests.exists()  # the other organisation's interest: ignored
    assert [(c.authorisation.code, c.granted) for c in contact.consents.all()] == [("NEWS", False)]


def test_the_main_address_is_removed_when_the_section_is_emptied(registered):
    update_contact_details(registered, first_name="Miso", last_name="Milicevic", address=None)
    assert not registered.addresses.exists()


def test_an_empty_address_section_creates_no_address(registered):
    registered.addresses.all().delete()
    update_contact_details(registered, first_name="Miso", last_name="Milicevic", address={})
    assert not registered.addresses.exists()


def test_confirming_an_address_and_choosing_a_password(org):
    contact = create_contact(organisation=org, email="anna@example.com", first_name="A")
    assert not contact.has_usable_password() and not contact.email_confirmed
    confirm_email(contact)
    assert Contact.objects.get(pk=contact.pk).email_confirmed
    confirm_email(contact)  # once: a second link changes nothing
    assert Contact.objects.get(pk=contact.pk).email_confirmed

    other = create_contact(organisation=org, email="b@example.com", first_name="B")
    choose_password(other, "a chosen password 42")
    other = Contact.objects.get(pk=other.pk)
    assert other.check_password("a chosen password 42") and other.email_confirmed


def test_an_import_keeps_its_numbers_and_passwords(org):
    numbered = create_contact(
        organisation=org, email="n@example.com", contact_number=10000009999, password="secret 42"
    )
    numbered = Contact.objects.get(pk=numbered.pk)
    assert numbered.contact_number == "10000009999"
    assert numbered.check_password("secret 42")
    plain = create_contact(organisation=org, email="p@example.com")
    assert plain.contact_number and plain.contact_number != "10000009999"
    assert not Contact.objects.get(pk=plain.pk).has_usable_password()


def test_only_an_active_contact_of_that_organisation_signs_in(org, other_org, make_contact):
    miso = make_contact("miso@example.com")
    make_contact("gone@example.com", is_active=False)
    assert active_contact_by_email("CUBE", "  Miso@EXAMPLE.com ") == miso
    assert active_contact_by_email("CUBE", "gone@example.com") is None
    assert active_contact_by_email("OTHER", "miso@example.com") is None
    assert active_contact_by_email("CUBE", None) is None
