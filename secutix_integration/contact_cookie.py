"""Reading the ticketshop's contact cookie (L4) on the website.

The digest is checked with the IdP's signing certificate, taken from the IdP's metadata (the
same file or URL the SAML service provider uses); the AES key is unwrapped with the website's
private key (KEYS_DIR/sp.key). Anything forged, tampered, expired or unreadable gives None.
"""

import base64
import json
import logging
import time
from functools import lru_cache
from urllib.parse import unquote

from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from defusedxml.ElementTree import fromstring

from secutix_integration import conf
from secutix_integration.sso.config import SP_KEY, idp_metadata_bytes, keys_dir

logger = logging.getLogger(__name__)

DS_NS = "http://www.w3.org/2000/09/xmldsig#"
MD_NS = "urn:oasis:names:tc:SAML:2.0:metadata"


def cookie_name():
    return f"stx_contact_{conf.get('ORGANISATION_CODE')}_{conf.get('CHANNEL_CODE')}_v1"


def _metadata_bytes():
    """The IdP's metadata (cached; a fetch that failed is not tried again for a minute)."""
    return idp_metadata_bytes()


@lru_cache(maxsize=4)
def _signing_public_key(metadata):
    root = fromstring(metadata)
    for descriptor in root.iter(f"{{{MD_NS}}}KeyDescriptor"):
        if descriptor.get("use") in (None, "signing"):
            text = descriptor.find(f".//{{{DS_NS}}}X509Certificate").text
            der = base64.b64decode("".join(text.split()))
            return x509.load_der_x509_certificate(der).public_key()
    raise ValueError("no signing certificate in the IdP metadata")


@lru_cache(maxsize=4)
def _private_key(pem):
    return serialization.load_pem_private_key(pem, password=None)


def _signed_payload(value):
    copy = dict(value)
    copy["additionalData"] = {k: v for k, v in value["additionalData"].items() if k != "digest"}
    return json.dumps(copy, sort_keys=True, separators=(",", ":")).encode()


def read_contact_cookie(raw, now=None):
    """The verified cookie as a dict (with contactNumber and email decrypted), or None."""
    if not raw:
        return None
    try:
        value = json.loads(unquote(raw))
        extra = value["additionalData"]
        _signing_public_key(_metadata_bytes()).verify(
            base64.b64decode(extra["digest"]),
            _signed_payload(value),
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH),
            hashes.SHA256(),
        )
        if int(value["expires"]) < (now or time.time()) * 1000:
            return None
        aes_key = _private_key((keys_dir() / SP_KEY).read_bytes()).decrypt(
            base64.b64decode(extra["key"]),
            padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None),
        )
        blob = base64.b64decode(extra["data"])
        secret = json.loads(AESGCM(aes_key).decrypt(blob[:12], blob[12:], None))
    except (InvalidSignature, InvalidTag) as error:
        logger.warning("Ignored a contact cookie that failed verification: %r", error)
        return None
    except Exception as error:  # malformed: never an error page
        logger.info("Ignored an unreadable contact cookie: %r", error)
        return None
    return {
        "contactNumber": secret.get("contactNumber"),
        "email": secret.get("email"),
        "title": value.get("individualTitle", ""),
        "firstName": value.get("individualFirstname", ""),
        "lastName": value.get("individualLastname", ""),
        "nickname": value.get("nickname", ""),
        "lang": value.get("lang", ""),
    }


def visitor_from_request(request):
    if not hasattr(request, "_stx_visitor"):
        request._stx_visitor = read_contact_cookie(request.COOKIES.get(cookie_name()))
    return request._stx_visitor
