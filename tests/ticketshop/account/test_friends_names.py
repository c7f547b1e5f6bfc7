"""F4: an existing email is linked only when BOTH names match; one differing name is enough to refuse.

The other friends tests change both names at once, so "first OR last differs" and "first AND last
differ" looked the same to them. Here each name differs alone, through the service and the page.
"""

import pytest
from django.core.exceptions import ValidationError

from tests.fixtures.identity import PASSWORD, make_contact
from ticketshop.contacts.models import Contact, ContactLink
from ticketshop.contacts.services import link_contact

pytestmark = pytest.mark.django_db

MISMATCH = "This email address is already in use and does not match the name entered."

ONE_NAME_DIFFERS = pytest.mark.parametrize(
    "first_name, last_name",
    [
        ("Marko", "Milicevic"),  # only the first name differs
        ("Miso", "Markovic"),  # only the last name differs
    ],
    ids=["first-name-only", "last-name-only"],
)


@pytest.fixture
def miso(organisation):
    return make_contact(organisation, "miso@example.com", "Miso", "Milicevic")


@ONE_NAME_DIFFERS
def test_the_service_refuses_when_one_name_differs(visitor, miso, first_name, last_name):
    with pytest.raises(ValidationError) as error:
        link_contact(visitor, "miso@example.com", first_name, last_name)
    assert error.value.messages == [MISMATCH]
    assert error.value.error_list[0].code == "name_mismatch"
    assert not ContactLink.objects.exists()
    miso.refresh_from_db()
    assert (miso.first_name, miso.last_name) == ("Miso", "Milicevic")
    assert Contact.objects.count() == 2


@ONE_NAME_DIFFERS
def test_the_page_refuses_when_one_name_differs(client, visitor, miso, first_name, last_name):
    assert (
        client.post("/idp/login/", {"email": visitor.email, "password": PASSWORD}).status_code
        == 302
    )
    response = client.post(
        "/account/friends/add/",
        {"email": "miso@example.com", "first_name": first_name, "last_name": last_name},
    )
    assert response.status_code == 400
    assert MISMATCH in response.content.decode()
    assert not ContactLink.objects.exists()


def test_both_names_matching_up_to_case_accents_and_spaces_links(visitor, miso):
    """The control: the same person written differently is linked (so the refusals above are
    about the names, not about something else in the request)."""
    link, created = link_contact(visitor, " MISO@example.com ", "  mišo ", "MILIĆEVIĆ")
    assert not created and link.child == miso and link.parent == visitor
