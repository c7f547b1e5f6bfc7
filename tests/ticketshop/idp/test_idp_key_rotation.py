"""The IdP's own key rotation (issue 15): the next certificate is published before it signs."""

import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from tests.fixtures.identity import follow, sign_in_through_idp, use_keys

pytestmark = pytest.mark.django_db


def test_prepare_publishes_both_then_activate_signs_with_the_new_key(
    client, visitor, settings, keys_dir, tmp_path
):
    own = tmp_path / "keys"
    shutil.copytree(keys_dir, own)  # not the session's shared keys
    use_keys(settings, own)
    call_command("rotate_idp_key", "prepare", stdout=StringIO())
    assert client.get("/idp/metadata/").content.decode().count("X509Certificate>") == 4  # 2 certs
    incoming = (own / "idp_next.crt").read_bytes()
    call_command("rotate_idp_key", "activate", stdout=StringIO())
    assert (own / "idp.crt").read_bytes() == incoming
    assert (own / "idp_previous.key").exists() and not (own / "idp_next.key").exists()
    assert client.get("/idp/metadata/").content.decode().count("X509Certificate>") == 2
    # the website reads the rewritten metadata and accepts assertions signed with the new key
    response = follow(client, sign_in_through_idp(client))
    assert response.request["PATH_INFO"] == "/account/" and "_auth_user_id" in client.session
