"""The SAML 2.0 identity provider, built on pysaml2's Server (S1).

Why pysaml2 directly rather than djangosaml2idp2: djangosaml2idp2 signs in a Django auth user.
Run on one host, the website and the ticketshop share Django's session, so an auth user signed
in by the IdP would be signed in on the website too, without any assertion — and every contact
would need a shadow auth user. Building on pysaml2's Server keeps the IdP on the ticketshop's own
contact session (see session.py) and leaves Django's auth users to the website.
"""

import hashlib
import shutil
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, sigver
from saml2.config import IdPConfig, SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_BASIC, NAMEID_FORMAT_PERSISTENT
from saml2.server import Server

from ticketshop.idp import keys

ASSERTION_LIFETIME_MINUTES = 5

_servers = {}


def xmlsec_binary():
    """SECUTIX["XMLSEC_BINARY"] (the settings name Debian's path), else xmlsec1 on the PATH."""
    return settings.SECUTIX.get("XMLSEC_BINARY") or shutil.which("xmlsec1") or "xmlsec1"


def ticketshop_url():
    return settings.SECUTIX["API_BASE_URL"].rstrip("/")


def website_url():
    return settings.SECUTIX.get("WEBSITE_URL", settings.SECUTIX["API_BASE_URL"]).rstrip("/")


def idp_entity_id():
    return f"{ticketshop_url()}/idp/metadata/"


def sp_entity_id():
    return f"{website_url()}/saml2/metadata/"


def _sp_metadata_xml():
    """The website's metadata, built from its known endpoints and its certificate (sp.crt)."""
    base = website_url()
    conf = SPConfig()
    conf.load(
        {
            "entityid": sp_entity_id(),
            "xmlsec_binary": xmlsec_binary(),
            "cert_file": str(keys.key_path(keys.SP_CERT)),
            "service": {
                "sp": {
                    "endpoints": {
                        "assertion_consumer_service": [(f"{base}/saml2/acs/", BINDING_HTTP_POST)],
                        "single_logout_service": [
                            (f"{base}/saml2/ls/", BINDING_HTTP_REDIRECT),
                            (f"{base}/saml2/ls/post/", BINDING_HTTP_POST),
                        ],
                    },
                    "authn_requests_signed": True,
                    "want_assertions_signed": True,
                }
            },
        }
    )
    return str(entity_descriptor(conf))


def idp_config_dict(with_sp=True):
    base = ticketshop_url()
    conf = {
        "entityid": idp_entity_id(),
        "xmlsec_binary": xmlsec_binary(),
        "key_file": str(keys.key_path(keys.IDP_KEY)),
        "cert_file": str(keys.key_path(keys.IDP_CERT)),
        "accepted_time_diff": 60,
        "service": {
            "idp": {
                "name": "The CUBE ticketshop",
                "endpoints": {
                    "single_sign_on_service": [
                        (f"{base}/idp/sso/redirect/", BINDING_HTTP_REDIRECT),
                        (f"{base}/idp/sso/post/", BINDING_HTTP_POST),
                    ],
                    "single_logout_service": [
                        (f"{base}/idp/slo/redirect/", BINDING_HTTP_REDIRECT),
                        (f"{base}/idp/slo/post/", BINDING_HTTP_POST),
                    ],
                },
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "want_authn_requests_signed": True,
                "sign_response": True,
                "sign_assertion": True,
                "signing_algorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                "digest_algorithm": "http://www.w3.org/2001/04/xmlenc#sha256",
                "policy": {
                    "default": {
                        "lifetime": {"minutes": ASSERTION_LIFETIME_MINUTES},
                        "attribute_restrictions": None,
                        "name_form": NAME_FORMAT_BASIC,
                    }
                },
            }
        },
    }
    if with_sp:
        conf["metadata"] = {"inline": [_sp_metadata_xml()]}
    return conf


def _cache_key():
    parts = [ticketshop_url(), website_url(), str(keys.keys_dir())]
    for name in (keys.IDP_CERT, keys.SP_CERT):
        path = keys.key_path(name)
        parts.append(hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "")
    return "|".join(parts)


def get_server():
    """The IdP (one per configuration, built once: parsing metadata costs a few ms)."""
    key = _cache_key()
    server = _servers.get(key)
    if server is None:
        missing = [
            n for n in (keys.IDP_KEY, keys.IDP_CERT, keys.SP_CERT) if not keys.key_path(n).exists()
        ]
        if missing:
            raise ImproperlyConfigured(
                f"SAML keys missing in {keys.keys_dir()}: {', '.join(missing)}. "
                "Run `manage.py generate_saml_keys`."
            )
        conf = IdPConfig()
        conf.load(idp_config_dict())
        server = Server(config=conf)
        _servers.clear()
        _servers[key] = server
    return server


def idp_metadata_xml():
    conf = IdPConfig()
    conf.load(idp_config_dict(with_sp=False))
    return str(entity_descriptor(conf))


def write_idp_metadata():
    path = keys.key_path(keys.IDP_METADATA)
    path.write_text(idp_metadata_xml(), encoding="utf-8")
    return path


def released_attributes(contact):
    """What the website learns about the contact (S1)."""
    return {
        "contactNumber": [contact.contact_number],
        "email": [contact.email],
        "title": [contact.title or ""],
        "firstName": [contact.first_name],
        "lastName": [contact.last_name],
        "language": [contact.language],
    }


# pysaml2 runs `xmlsec1 --version` before every xmlsec1 call (the property is not cached),
# doubling the number of processes per SAML message. The binary does not change under us.
# Twin: the same guarded patch is in secutix_integration/sso/config.py, because the plugin and the ticketshop never
# import each other (either may be deployed alone); the flag makes it apply once per process.
@lru_cache(maxsize=4)
def _xmlsec_version(binary):
    return _XMLSEC_VERSION(sigver.CryptoBackendXmlSec1(binary))


if not getattr(sigver.CryptoBackendXmlSec1, "_version_cached", False):
    _XMLSEC_VERSION = sigver.CryptoBackendXmlSec1.version.fget
    sigver.CryptoBackendXmlSec1.version = property(lambda self: _xmlsec_version(self.xmlsec))
    sigver.CryptoBackendXmlSec1._version_cached = True
