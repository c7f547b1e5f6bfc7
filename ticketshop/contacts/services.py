"""The contacts' services, one module per concern; this module is their index, so callers may
keep importing from `ticketshop.contacts.services`.

- `numbering`: contact numbers (a counter below the model);
- `rules`: small checks below the models (a valid link, names as people compare them);
- `tokens`: signed links sent by email, finding a contact from a number and a token;
- `links`: links between contacts, friends and family (F1, F4);
- `accounts`: registration, profile, email confirmation, choosing a password (S1, L3).
Emails go through the one mail service, `ticketshop.organisation.mail`."""

from ticketshop.contacts.accounts import (
    active_contact_by_email,
    choose_password,
    confirm_email,
    find_contact_by_email,
    register_contact,
    update_contact_details,
)
from ticketshop.contacts.links import (
    DEFAULT_LINK_KIND_CODE,
    LINK_ATTEMPTS_LIMIT,
    LINK_ATTEMPTS_WINDOW_SECONDS,
    accept_link,
    create_link,
    default_link_kind,
    friends_and_family_enabled,
    link_contact,
    remove_link,
    unlink_contact,
    usable_links,
)
from ticketshop.contacts.numbering import next_contact_number, reserve_contact_numbers_up_to
from ticketshop.contacts.rules import check_link, normalise_name
from ticketshop.contacts.tokens import (
    ContactTokenGenerator,
    activation_url,
    contact_from_token,
    contact_token_query,
    contact_tokens,
    link_accept_url,
    pending_link_from_token,
)

__all__ = [
    "DEFAULT_LINK_KIND_CODE",
    "LINK_ATTEMPTS_LIMIT",
    "LINK_ATTEMPTS_WINDOW_SECONDS",
    "ContactTokenGenerator",
    "accept_link",
    "activation_url",
    "active_contact_by_email",
    "check_link",
    "choose_password",
    "confirm_email",
    "contact_from_token",
    "contact_token_query",
    "contact_tokens",
    "create_link",
    "default_link_kind",
    "find_contact_by_email",
    "friends_and_family_enabled",
    "link_accept_url",
    "link_contact",
    "next_contact_number",
    "normalise_name",
    "pending_link_from_token",
    "register_contact",
    "remove_link",
    "reserve_contact_numbers_up_to",
    "unlink_contact",
    "update_contact_details",
    "usable_links",
]
