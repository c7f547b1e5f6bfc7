"""Contacts (numbers, emails, passwords) and links between contacts (F1)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ticketshop.contacts.models import Contact, ContactLink
from ticketshop.contacts.services import create_link, remove_link, reserve_contact_numbers_up_to
from ticketshop.organisation.models import Organisation


class TestContactNumbers:
    def test_numbers_have_eleven_digits_and_grow(self, make_contact):
        first = make_contact("a@example.com")
        second = make_contact("b@example.com")
        assert len(first.contact_number) == 11 and first.contact_number.isdigit()
        assert int(second.contact_number) == int(first.contact_number) + 1

    def test_a_deleted_contacts_number_is_never_reused(self, make_contact):
        gone = make_contact("gone@example.com")
        number = gone.contact_number
        gone.delete()
        assert make_contact("new@example.com").contact_number != number
        assert not Contact.objects.filter(contact_number=number).exists()

    def test_numbers_given_explicitly_are_reserved(self, org, make_contact):
        Contact.objects.create(
            organisation=org,
            contact_number="10000001429",
            email="miso@example.com",
            first_name="Miso",
            last_name="MILICEVIC",
        )
        reserve_contact_numbers_up_to("10000001429")
        assert make_contact("next@example.com").contact_number == "10000001430"

    def test_the_number_cannot_be_changed_in_forms(self):
        assert not Contact._meta.get_field("contact_number").editable


class TestEmails:
    def test_emails_are_unique_whatever_their_case(self, make_contact, org):
        make_contact("Marko.Milicevic@secutix.com")
        duplicate = Contact(
            organisation=org, email="marko.milicevic@SECUTIX.com", first_name="M", last_name="M"
        )
        with pytest.raises(ValidationError) as error:
            duplicate.full_clean()
        assert "already exists" in str(error.value)
        with pytest.raises(IntegrityError), transaction.atomic():
            duplicate.save()


class TestPasswords:
    def test_a_new_contact_has_no_usable_password(self, make_contact):
        contact = make_contact("a@example.com")
        assert not contact.has_usable_password()
        assert not contact.check_password("")

    def test_passwords_are_stored_hashed(self, make_contact):
        contact = make_contact("a@example.com")
        contact.set_password("Secret-pass-2026")
        contact.save()
        stored = Contact.objects.get(pk=contact.pk)
        assert "Secret-pass-2026" not in stored.password
        assert stored.check_password("Secret-pass-2026")
        assert not stored.check_password("wrong")


class TestLinks:
    def test_links_are_directional(self, make_contact, family):
        parent, child = make_contact("p@example.com"), make_contact("c@example.com")
        create_link(parent, child, family)
        assert list(parent.child_links.values_list("child", flat=True)) == [child.pk]
        assert not child.child_links.exists()
        create_link(child, parent, family)  # the other direction is another link
        assert ContactLink.objects.count() == 2

    def test_no_self_link(self, make_contact, family):
        me = make_contact("me@example.com")
        with pytest.raises(ValidationError):
            create_link(me, me, family)
        with pytest.raises(IntegrityError), transaction.atomic():
            ContactLink.objects.create(parent=me, child=me, kind=family)
        assert not ContactLink.objects.exists()

    def test_no_duplicate_link(self, make_contact, family):
        parent, child = make_contact("p@example.com"), make_contact("c@example.com")
        create_link(parent, child, family)
        with pytest.raises(ValidationError):
            create_link(parent, child, family)
        with pytest.raises(IntegrityError), transaction.atomic():
            ContactLink.objects.create(parent=parent, child=child, kind=family)
        assert ContactLink.objects.count() == 1

    def test_links_stay_within_one_organisation(self, make_contact, family):
        other_org = Organisation.objects.create(code="OTHER", name="Other")
        stranger = Contact.objects.create(
            organisation=other_org, email="s@example.com", first_name="S", last_name="S"
        )
        with pytest.raises(ValidationError):
            create_link(make_contact("p@example.com"), stranger, family)

    def test_admin_form_validation_uses_the_same_rule(self, make_contact, family):
        me = make_contact("me@example.com")
        with pytest.raises(ValidationError):
            ContactLink(parent=me, child=me, kind=family).full_clean()

    def test_remove_link(self, make_contact, family):
        parent, child = make_contact("p@example.com"), make_contact("c@example.com")
        create_link(parent, child, family)
        assert not remove_link(child, parent)  # the reverse link does not exist
        assert remove_link(parent, child)
        assert not ContactLink.objects.exists()
        assert Contact.objects.filter(pk=child.pk).exists()  # the contact stays


def test_contacts_can_never_sign_in_to_an_admin(client, make_contact):
    contact = make_contact("visitor@example.com")
    contact.set_password("Visitor-pass-2026")
    contact.save()
    for url in ("/backoffice/login/", "/admin/login/"):
        for username in ("visitor@example.com", contact.contact_number):
            response = client.post(url, {"username": username, "password": "Visitor-pass-2026"})
            assert response.status_code == 200  # the form again, with an error
            assert "_auth_user_id" not in client.session
