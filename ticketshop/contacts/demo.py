"""The demo contacts, their interests, consents and links (see `ticketshop.organisation.demo`).
Contacts are created through the contacts services, as any import would."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from ticketshop.contacts.accounts import create_contact
from ticketshop.contacts.links import create_link
from ticketshop.contacts.models import (
    Address,
    Consent,
    Contact,
    ContactLink,
    Criterion,
    LegalAuthorisation,
    RelationKind,
)
from ticketshop.contacts.numbering import reserve_contact_numbers_up_to
from ticketshop.organisation.demo import DemoDataError, _lookup, _sync_m2m, _texts, _update


def load(demo):
    """The contacts part of the demo load (after the organisation's)."""
    load_contacts(demo)
    demo.counts["contacts"] = len(demo.contacts)


def load_contacts(demo):
    org_rows = {}
    for model, key in (
        (RelationKind, "relation_kinds"),
        (Criterion, "criteria"),
        (LegalAuthorisation, "legal_authorisations"),
    ):
        rows = demo.rows(
            model, ("organisation_id", "code"), model.objects.filter(organisation=demo.org)
        )
        org_rows[key] = {}
        for item in demo.data.get(key, []):
            extra = {"is_family": bool(item.get("is_family"))} if model is RelationKind else {}
            org_rows[key][item["code"]] = rows.sync(
                organisation_id=demo.org.pk, code=item["code"], **extra, **_texts(item, "name")
            )
    kinds, criteria, authorisations = (
        org_rows["relation_kinds"],
        org_rows["criteria"],
        org_rows["legal_authorisations"],
    )

    specs = demo.data.get("contacts", [])
    emails = [spec["email"].strip().lower() for spec in specs]
    existing = {
        contact.email_lower: contact
        for contact in Contact.objects.annotate(email_lower=Lower("email")).filter(
            email_lower__in=emails
        )
    }
    contacts = {}
    highest_number = 0
    for spec, email in zip(specs, emails, strict=True):
        values = {
            "organisation_id": demo.org.pk,
            "email": spec["email"].strip(),
            "title": spec.get("title", ""),
            "first_name": spec["first_name"],
            "last_name": spec["last_name"],
            "language": spec.get("language", "en"),
            "phone": spec.get("phone", ""),
            "email_confirmed": bool(spec.get("email_confirmed", False)),
        }
        number = spec.get("contact_number")
        if number:
            highest_number = max(highest_number, int(number))
        contact = existing.get(email)
        if contact is None:
            if number and Contact.objects.filter(contact_number=number).exists():
                raise DemoDataError(
                    _("Contact number %(number)s already belongs to another contact.")
                    % {"number": number}
                )
            contact = create_contact(contact_number=number, password=spec.get("password"), **values)
            demo.stats.note(Contact, created=True)
        else:
            if contact.organisation_id != demo.org.pk:
                raise DemoDataError(
                    _("%(email)s is a contact of another organisation.") % {"email": email}
                )
            _update(contact, values, demo.stats)
        contacts[email] = (contact, spec)
    if highest_number:
        reserve_contact_numbers_up_to(highest_number)

    ids = [contact.pk for contact, _spec in contacts.values()]
    addresses = demo.rows(
        Address, ("contact_id", "label"), Address.objects.filter(contact_id__in=ids)
    )
    consents = demo.rows(
        Consent,
        ("contact_id", "authorisation_id"),
        Consent.objects.filter(contact_id__in=ids),
    )
    links = {
        (link.parent_id, link.child_id): link
        for link in ContactLink.objects.filter(child_id__in=ids)
    }
    interests = defaultdict(set)
    for contact_id, criterion_id in Contact.interests.through.objects.filter(
        contact_id__in=ids
    ).values_list("contact_id", "criterion_id"):
        interests[contact_id].add(criterion_id)

    for contact, spec in contacts.values():
        address = spec.get("address")
        if address:
            addresses.sync(
                contact_id=contact.pk,
                label=address.get("label", ""),
                line1=address["line1"],
                line2=address.get("line2", ""),
                postcode=address["postcode"],
                city=address["city"],
                country=address["country"],
                is_default=True,
            )
        wanted = [_lookup(criteria, code, contact.email).pk for code in spec.get("interests", [])]
        _sync_m2m(contact, "interests", wanted, interests[contact.pk], demo.stats)
        for code, granted in spec.get("consents", {}).items():
            consents.sync(
                contact_id=contact.pk,
                authorisation_id=_lookup(authorisations, code, contact.email).pk,
                granted=bool(granted),
            )
        parent_spec = spec.get("parent")
        if parent_spec:
            parent, _parent_spec = _lookup(contacts, parent_spec["email"].lower(), contact.email)
            kind = _lookup(kinds, parent_spec["kind"], contact.email)
            link = links.get((parent.pk, contact.pk))
            if link is None:
                try:
                    create_link(parent, contact, kind)
                except ValidationError as error:
                    raise DemoDataError(" ".join(error.messages)) from error
                demo.stats.note(ContactLink, created=True)
            else:
                _update(link, {"kind_id": kind.pk}, demo.stats)
    demo.contacts = {email: contact for email, (contact, _spec) in contacts.items()}
