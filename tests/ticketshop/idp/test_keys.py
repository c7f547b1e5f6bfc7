"""generate_saml_keys: self-signed keys and certificates, idempotent, never overwritten."""

from io import StringIO

from cryptography import x509
from django.core.management import call_command


def test_generate_saml_keys_is_idempotent(settings, tmp_path):
    settings.TICKETSHOP = {**settings.TICKETSHOP, "KEYS_DIR": tmp_path / "keys"}
    call_command("generate_saml_keys", stdout=StringIO())
    names = ["idp.key", "idp.crt", "sp.key", "sp.crt", "idp_metadata.xml"]
    first = {name: (tmp_path / "keys" / name).read_bytes() for name in names}
    assert (tmp_path / "keys" / "idp.key").stat().st_mode & 0o077 == 0  # private
    cert = x509.load_pem_x509_certificate(first["idp.crt"])
    assert cert.issuer == cert.subject  # self-signed
    out = StringIO()
    call_command("generate_saml_keys", stdout=out)
    assert "Kept" in out.getvalue()
    assert {name: (tmp_path / "keys" / name).read_bytes() for name in names} == first
