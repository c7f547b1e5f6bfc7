"""The website as SAML service provider (S1, S2): djangosaml2, configured from the IdP's metadata.

The metadata comes from the local file `idp_metadata.xml` that the ticketshop's
`generate_saml_keys` command writes into SECUTIX["KEYS_DIR"] (the embedded one-host default,
and what the tests use), or — when SECUTIX["IDP_METADATA_URL"] is set — is fetched over HTTP
from the ticketshop and kept in the cache (sso/metadata.py: failures remembered, refreshed on a
schedule). Either way the website reads only metadata and assertions, never the ticketshop's
tables. Every setting is read through the plugin's conf.py.
"""

import os
import shutil
import time
from functools import lru_cache
from pathlib import Path

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, sigver
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT

from secutix_integration import conf
from secutix_integration.sso import metadata, xmlsec_backend

# The files the website reads in SECUTIX["KEYS_DIR"]. In the embedded one-host default they are
# written by the ticketshop's `generate_saml_keys` (ticketshop/idp/keys.py names them too): the
# names are the contract between the two, as a file layout, since the plugin never imports the
# ticketshop. A website on another host puts its own sp.key/sp.crt there.
SP_KEY = "sp.key"
SP_CERT = "sp.crt"
IDP_METADATA = "idp_metadata.xml"


def xmlsec_binary():
    """SECUTIX["XMLSEC_BINARY"] (the settings name Debian's path), else xmlsec1 on the PATH."""
    return conf.get("XMLSEC_BINARY") or shutil.which("xmlsec1") or "xmlsec1"


def keys_dir():
    return Path(conf.get("KEYS_DIR"))


def website_url():
    return str(conf.get("WEBSITE_URL")).rstrip("/")


def idp_metadata_bytes():
    """The IdP's metadata: fetched (and cached) from IDP_METADATA_URL, else the local file.
    Raises metadata.MetadataUnavailable or OSError when there is none."""
    url = conf.get("IDP_METADATA_URL")
    if url:
        return metadata.remote_metadata(url)
    return (keys_dir() / IDP_METADATA).read_bytes()


def idp_metadata_source():
    if conf.get("IDP_METADATA_URL"):
        return {"inline": [idp_metadata_bytes().decode()]}
    return {"local": [str(keys_dir() / IDP_METADATA)]}


def sp_config_dict():
    base = website_url()
    return {
        "entityid": f"{base}/saml2/metadata/",
        "crypto_backend": xmlsec_backend.NAME,  # in-process signatures (issue 15, P5)
        "xmlsec_binary": xmlsec_binary(),
        "key_file": str(keys_dir() / SP_KEY),
        "cert_file": str(keys_dir() / SP_CERT),
        "encryption_keypairs": [
            {"key_file": str(keys_dir() / SP_KEY), "cert_file": str(keys_dir() / SP_CERT)}
        ],
        "metadata": idp_metadata_source(),
        "allow_unknown_attributes": True,
        "accepted_time_diff": 60,
        "service": {
            "sp": {
                "name": conf.get("SP_NAME"),
                "name_id_format": NAMEID_FORMAT_PERSISTENT,
                "endpoints": {
                    "assertion_consumer_service": [(f"{base}/saml2/acs/", BINDING_HTTP_POST)],
                    "single_logout_service": [
                        (f"{base}/saml2/ls/", BINDING_HTTP_REDIRECT),
                        (f"{base}/saml2/ls/post/", BINDING_HTTP_POST),
                    ],
                },
                "allow_unsolicited": False,  # InResponseTo must match a request we sent
                "authn_requests_signed": True,
                "logout_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": True,  # S2: both signatures, pinned (issue 18)
                "want_assertions_or_response_signed": True,
                "signing_algorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                "digest_algorithm": "http://www.w3.org/2001/04/xmlenc#sha256",
            }
        },
    }


CONFIG_TTL_SECONDS = 3600  # remote metadata is fetched again after this
_configs = {}


def _file_stamp(path):
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def sp_config(request=None):
    """SAML_CONFIG_LOADER. Parsing the metadata costs milliseconds, so the configuration is
    kept while the settings, the key files and the metadata file stay the same (an hour at
    most; metadata fetched over HTTP is part of the key, so a refreshed copy is used at once)."""
    conf_dict = sp_config_dict()
    key = repr(
        (
            conf_dict,
            _file_stamp(keys_dir() / SP_KEY),
            _file_stamp(keys_dir() / SP_CERT),
            _file_stamp(keys_dir() / IDP_METADATA),
        )
    )
    cached = _configs.get(key)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    config = SPConfig()
    config.load(conf_dict)
    _configs.clear()
    _configs[key] = (time.monotonic() + CONFIG_TTL_SECONDS, config)
    return config


# pysaml2 builds a security context, and so loads (and validates, ~50 ms with cryptography 4x+)
# the private key, for every Saml2Client — that is, on every SAML request. Keep loaded keys
# while their file is unchanged.
_import_rsa_key_from_file = sigver.import_rsa_key_from_file


@lru_cache(maxsize=8)
def _load_key(filename, stamp):
    return _import_rsa_key_from_file(filename)


def _cached_import_rsa_key_from_file(filename):
    return _load_key(filename, _file_stamp(filename))


if getattr(sigver.import_rsa_key_from_file, "__name__", "") != "_cached_import_rsa_key_from_file":
    sigver.import_rsa_key_from_file = _cached_import_rsa_key_from_file


# pysaml2 runs `xmlsec1 --version` before every xmlsec1 call (the property is not cached),
# doubling the number of processes per SAML message. The binary does not change under us.
# Twin: the same guarded patch is in ticketshop/idp/saml.py, because the plugin and the ticketshop never
# import each other (either may be deployed alone); the flag makes it apply once per process.
@lru_cache(maxsize=4)
def _xmlsec_version(binary):
    return _XMLSEC_VERSION(sigver.CryptoBackendXmlSec1(binary))


if not getattr(sigver.CryptoBackendXmlSec1, "_version_cached", False):
    _XMLSEC_VERSION = sigver.CryptoBackendXmlSec1.version.fget
    sigver.CryptoBackendXmlSec1.version = property(lambda self: _xmlsec_version(self.xmlsec))
    sigver.CryptoBackendXmlSec1._version_cached = True
