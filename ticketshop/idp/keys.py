"""The SAML keys and certificates (S1), generated on the machine, never committed.

KEYS_DIR holds:
- idp.key / idp.crt: the ticketshop's key pair (signs assertions, logout messages, the contact
  cookie's digest);
- sp.key / sp.crt: the website's key pair (signs its SAML requests; its public key wraps the
  contact cookie's AES key). In the embedded one-host default the set-up command creates both;
  a website on another host brings its own sp.crt;
- idp_metadata.xml: the IdP's metadata, which the website reads (no Python import needed).
"""

import datetime
import os
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from ticketshop import conf

# sp.key, sp.crt and idp_metadata.xml are read by the website's plugin under the same names
# (secutix_integration/sso/config.py): a file layout, the only contract between the two sides.
IDP_KEY = "idp.key"
IDP_CERT = "idp.crt"
SP_KEY = "sp.key"
SP_CERT = "sp.crt"
IDP_METADATA = "idp_metadata.xml"
# The IdP's key rotation (manage.py rotate_idp_key): the incoming pair, published in the
# metadata beside the current one until it is activated; the outgoing pair is kept aside.
IDP_NEXT_KEY = "idp_next.key"
IDP_NEXT_CERT = "idp_next.crt"
IDP_PREVIOUS_KEY = "idp_previous.key"
IDP_PREVIOUS_CERT = "idp_previous.crt"


def keys_dir():
    return Path(conf.get("KEYS_DIR"))


def key_path(name):
    return keys_dir() / name


def _write_private(path, data):
    """Created with mode 0600 from the start (never readable by others, even for a moment)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    tmp.replace(path)


def generate_key_pair(key_file, cert_file, common_name, years=10):
    """Write a fresh RSA key and a self-signed certificate. Returns False, writing nothing, when
    the certificate exists: a certificate brought by its owner (a website on another host keeps
    its private key there) is never replaced, nor a key without its certificate."""
    if cert_file.exists() or key_file.exists():
        return False
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    _write_private(
        key_file,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return True


def load_private_key(name):
    path = key_path(name)
    stat = path.stat()
    return _load_private_key(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _load_private_key(path, mtime, size):  # loading validates the key: ~50 ms, so keep it
    return serialization.load_pem_private_key(Path(path).read_bytes(), password=None)


def load_certificate(name):
    return x509.load_pem_x509_certificate(key_path(name).read_bytes())
