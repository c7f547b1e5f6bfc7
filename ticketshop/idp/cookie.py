"""The contact cookie (L4) written at sign-in and cleared at sign-out.

Shape of SecuTix's `stx_contact_<ORG>_<CHANNEL>_v1`: URL-encoded JSON with the visitor's public
details and `additionalData` = {key, data, digest}:
- key: a fresh AES-256 key wrapped with the website's RSA public key (OAEP, SHA-256);
- data: {contactNumber, email} encrypted with AES-GCM (12-byte nonce prepended), base64;
- digest: RSA-PSS/SHA-256 signature by the ticketshop's key over every other field.
"""

import base64
import json
import os
import time
from urllib.parse import quote

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ticketshop import conf
from ticketshop.idp import keys

COOKIE_MAX_AGE = 8 * 60 * 60


def cookie_name():
    return f"stx_contact_{conf.get('ORGANISATION_CODE')}_{conf.get('CHANNEL_CODE')}_v1"


def _b64(data):
    return base64.b64encode(data).decode()


def signed_payload(value):
    """The bytes the digest covers: everything but the digest, canonical JSON."""
    copy = dict(value)
    copy["additionalData"] = {k: v for k, v in value["additionalData"].items() if k != "digest"}
    return json.dumps(copy, sort_keys=True, separators=(",", ":")).encode()


def build_cookie_value(contact, now=None):
    now = int(now or time.time())
    aes_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    secret = json.dumps({"contactNumber": contact.contact_number, "email": contact.email}).encode()
    website_public_key = keys.load_certificate(keys.SP_CERT).public_key()
    wrapped = website_public_key.encrypt(
        aes_key,
        padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None),
    )
    value = {
        "individualTitle": contact.title or "",
        "individualFirstname": contact.first_name,
        "individualLastname": contact.last_name,
        "nickname": contact.first_name,
        "lang": contact.language,
        "timestamp": now * 1000,
        "expires": (now + COOKIE_MAX_AGE) * 1000,
        "additionalData": {
            "key": _b64(wrapped),
            "data": _b64(nonce + AESGCM(aes_key).encrypt(nonce, secret, None)),
        },
    }
    signature = keys.load_private_key(keys.IDP_KEY).sign(
        signed_payload(value),
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH),
        hashes.SHA256(),
    )
    value["additionalData"]["digest"] = _b64(signature)
    return quote(json.dumps(value, separators=(",", ":")), safe="")


def set_contact_cookie(request, response, contact):
    response.set_cookie(
        cookie_name(),
        build_cookie_value(contact),
        max_age=COOKIE_MAX_AGE,
        domain=conf.get("COOKIE_DOMAIN") or None,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def clear_contact_cookie(response):
    response.delete_cookie(cookie_name(), domain=conf.get("COOKIE_DOMAIN") or None, samesite="Lax")
