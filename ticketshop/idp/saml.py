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

from django.core.exceptions import ImproperlyConfigured
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, sigver
from saml2.config import IdPConfig, SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

from ticketshop import conf
from ticketshop.idp import attributes, keys, xmlsec_backend
from ticketshop.idp.models import ServiceProvider

ASSERTION_LIFETIME_MINUTES = 5

_servers = {}


def xmlsec_binary():
    """TICKETSHOP["XMLSEC_BINARY"] (the settings name Debian's path), else xmlsec1 on the PATH."""
    return conf.get("XMLSEC_BINARY") or shutil.which("xmlsec1") or "xmlsec1"


def ticketshop_url():
    return conf.public_url()


def website_url():
    return str(conf.get("WEBSITE_URL")).rstrip("/")


def idp_entity_id():
    return f"{ticketshop_url()}/idp/metadata/"


def sp_entity_id():
    return f"{website_url()}/saml2/metadata/"


def bundled_website_metadata_xml():
    """The bundled website's metadata, built from its known endpoints and its certificate
    (KEYS_DIR/sp.crt): what the set-up registers (`manage.py register_website_sp`)."""
    base = website_url()
    conf = SPConfig()
    conf.load(
        {
            "entityid": sp_entity_id(),
            "crypto_backend": xmlsec_backend.NAME,
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


def enabled_providers():
    return list(ServiceProvider.objects.filter(enabled=True).order_by("pk"))


def idp_config_dict(providers=()):
    base = ticketshop_url()
    conf = {
        "entityid": idp_entity_id(),
        "crypto_backend": xmlsec_backend.NAME,  # in-process signatures (issue 15, P5)
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
                "sign_response": False,
                "sign_assertion": True,
                "signing_algorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                "digest_algorithm": "http://www.w3.org/2001/04/xmlenc#sha256",
                "policy": {
                    "default": {
                        "lifetime": {"minutes": ASSERTION_LIFETIME_MINUTES},
                        "attribute_restrictions": None,
                        "name_form": NAME_FORMAT_URI,  # see attributes.py
                    }
                },
            }
        },
    }
    incoming = keys.key_path(keys.IDP_NEXT_CERT)
    if incoming.exists():  # a rotation under way: SPs learn the next key before it signs
        conf["additional_cert_files"] = [str(incoming)]
    if providers:
        conf["metadata"] = {"inline": [sp.metadata_xml for sp in providers]}
    return conf


def _cache_key(providers):
    parts = [ticketshop_url(), str(keys.keys_dir())]
    for name in (keys.IDP_CERT, keys.IDP_NEXT_CERT):
        path = keys.key_path(name)
        parts.append(hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "")
    parts += [f"{sp.pk}:{sp.updated_at.isoformat()}" for sp in providers]
    return "|".join(parts)


def get_server():
    """The IdP, trusting the enabled service providers of the registry. Built once per
    configuration (parsing metadata costs a few ms): a registry change builds a new one."""
    providers = enabled_providers()
    key = _cache_key(providers)
    server = _servers.get(key)
    if server is None:
        missing = [n for n in (keys.IDP_KEY, keys.IDP_CERT) if not keys.key_path(n).exists()]
        if missing:
            raise ImproperlyConfigured(
                f"SAML keys missing in {keys.keys_dir()}: {', '.join(missing)}. "
                "Run `manage.py generate_saml_keys`."
            )
        conf = IdPConfig()
        conf.load(idp_config_dict(providers))
        conf.attribute_converters = [attributes.converter()]
        server = Server(config=conf)
        _servers.clear()
        _servers[key] = server
    return server


def idp_metadata_xml():
    conf = IdPConfig()
    conf.load(idp_config_dict())
    return str(entity_descriptor(conf))


def write_idp_metadata():
    path = keys.key_path(keys.IDP_METADATA)
    path.write_text(idp_metadata_xml(), encoding="utf-8")
    return path


def provider(entity_id):
    """The enabled service provider with this entity id, or None."""
    return ServiceProvider.objects.filter(entity_id=entity_id, enabled=True).first()


def released_attributes(contact, sp=None):
    """What a service provider learns about the contact (S1): the profile of attributes.py,
    restricted to the attributes the back office releases to it."""
    values = attributes.contact_values(contact)
    if sp is None:
        return values
    allowed = set(sp.released_attributes or ())
    return {name: value for name, value in values.items() if name in allowed}


def name_id(contact_number, sp_entity_id):
    """The persistent NameID of a contact at one SP (the same in the assertion and at logout)."""
    return NameID(
        format=NAMEID_FORMAT_PERSISTENT, sp_name_qualifier=sp_entity_id, text=contact_number
    )


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
