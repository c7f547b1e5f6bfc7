"""pysaml2's XML signatures in-process, on the `xmlsec` Python binding (S1, S2; issue 15, P5).

pysaml2's default backend runs the `xmlsec1` program once per signature made or checked: four
processes per sign-in (the IdP signs the assertion and the response, the website checks both),
most of the SSO round trip's cost beside the password hash. This backend makes the same calls
to the same library (libxmlsec1, through python-xmlsec) without a process or temporary files.

Selected per configuration: `"crypto_backend": NAME` in a pysaml2 config dict. pysaml2 only
knows "xmlsec1" and "XMLSecurity", so `install()` wraps its `security_context()` (in the
modules that imported it by name): a config naming this backend gets a SecurityContext on it,
any other config gets pysaml2's own, unchanged.

The checks are those of `xmlsec1 --verify --id-attr:ID <node> --node-id <id>` and more: the
document is parsed without DTD, entities or network; the signed node is the one element of the
expected kind with that ID (an ID found twice in the document is refused — signature wrapping);
its signature is its direct ds:Signature child, with a single Reference to "#<that ID>"; the key
is the certificate pysaml2 passes (from the peer's metadata), never a key carried by the
message. pysaml2's own checks (transforms, canonicalisation, references, which node must be
signed) still run before this is called.

Twins: secutix_integration/sso/xmlsec_backend.py and ticketshop/idp/xmlsec_backend.py are the
same file, because the plugin and the ticketshop never import each other (either may be deployed alone); tests/test_xmlsec_twins.py
keeps the two identical, and `install()` applies once per process whichever comes first.
Encryption (unused by the IdP and the website: assertions travel signed, not encrypted) is
left to pysaml2's xmlsec1 backend when that program is there.
"""

import os
import shutil
from functools import lru_cache

import xmlsec
from lxml import etree
from saml2 import entity, mdstore, metadata, response, sigver
from saml2.saml import SamlBase

NAME = "xmlsec-binding"
DSIG = "http://www.w3.org/2000/09/xmldsig#"
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=False
)


def _parse(text):
    if isinstance(text, SamlBase):
        text = str(text)
    if isinstance(text, str):
        text = text.encode("utf-8")
    try:
        tree = etree.fromstring(text, _PARSER).getroottree()
    except etree.XMLSyntaxError as error:
        raise sigver.SignatureError(f"Not well-formed XML: {error}") from error
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise sigver.SignatureError("A SAML message may not carry a DTD")
    return tree


def _node(tree, node_name, node_id):
    """The one element of kind node_name ('urn:…:assertion:Assertion') with this ID, and its
    ds:Signature child. An ID found on two elements anywhere is refused."""
    namespace, _sep, local = node_name.rpartition(":")
    tag = f"{{{namespace}}}{local}"
    root = tree.getroot()
    if node_id:
        holders = [el for el in root.iter() if el.get("ID") == node_id]
        if len(holders) != 1 or holders[0].tag != tag:
            raise sigver.SignatureError(f"{node_name} with ID {node_id!r}: found {len(holders)}")
        node = holders[0]
    else:
        node = root if root.tag == tag else next(root.iter(tag), None)
        if node is None:
            raise sigver.SignatureError(f"No {node_name} to sign or check")
    signatures = node.findall(f"{{{DSIG}}}Signature")
    if len(signatures) != 1:
        raise sigver.SignatureError(f"{node_name}: {len(signatures)} signatures, one expected")
    xmlsec.tree.add_ids(node, ["ID"])
    return node, signatures[0]


def _file_stamp(path):
    stat = os.stat(path)
    return (stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _private_key(path, stamp):
    return xmlsec.Key.from_file(path, xmlsec.constants.KeyDataFormatPem)


def _certificate_key(path, cert_type):
    fmt = xmlsec.constants.KeyDataFormatCertPem
    if cert_type == "der":
        fmt = xmlsec.constants.KeyDataFormatCertDer
    elif cert_type != "pem":
        raise sigver.Unsupported(f"Certificate type {cert_type!r}")
    return xmlsec.Key.from_file(path, fmt)


class XmlsecBindingBackend(sigver.CryptoBackend):
    """pysaml2's CryptoBackend interface on python-xmlsec."""

    def __init__(self, xmlsec_binary=None):
        super().__init__()
        self.xmlsec_binary = xmlsec_binary

    @property
    def version(self):
        return xmlsec.__version__

    def sign_statement(self, statement, node_name, key_file, node_id):
        tree = _parse(statement)
        _signed, template = _node(tree, node_name, node_id)
        context = xmlsec.SignatureContext()
        try:
            context.key = _private_key(key_file, _file_stamp(key_file))
            context.sign(template)
        except (OSError, xmlsec.Error) as error:
            raise sigver.SignatureError(f"Signing {node_name} failed: {error}") from error
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8").decode("utf-8")

    def validate_signature(self, signedtext, cert_file, cert_type, node_name, node_id):
        """True when the node's signature holds under the certificate in cert_file; raises
        SignatureError (an XmlsecError, as xmlsec1's failures are) when it does not."""
        tree = _parse(signedtext)
        node, signature = _node(tree, node_name, node_id)
        references = signature.findall(f"{{{DSIG}}}SignedInfo/{{{DSIG}}}Reference")
        if len(references) != 1 or references[0].get("URI") != f"#{node.get('ID')}":
            raise sigver.SignatureError(f"{node_name}: the signature does not cover this node")
        context = xmlsec.SignatureContext()
        try:
            context.key = _certificate_key(cert_file, cert_type)
            context.verify(signature)
        except (OSError, xmlsec.Error) as error:  # VerificationError is an xmlsec.Error
            raise sigver.SignatureError(f"{node_name}: signature refused: {error}") from error
        return True

    # Encryption: not used by the IdP or the website; pysaml2's xmlsec1 backend when present.
    def _xmlsec1(self):
        binary = self.xmlsec_binary or shutil.which("xmlsec1")
        if not binary or not os.path.exists(binary):
            raise sigver.Unsupported("SAML encryption needs the xmlsec1 program")
        return sigver.CryptoBackendXmlSec1(binary)

    def encrypt(self, text, recv_key, template, session_key_type, xpath=""):
        return self._xmlsec1().encrypt(text, recv_key, template, session_key_type, xpath)

    def encrypt_assertion(self, statement, enc_key, template, key_type="des-192", node_xpath=None):
        return self._xmlsec1().encrypt_assertion(statement, enc_key, template, key_type, node_xpath)

    def decrypt(self, enctext, key_file):
        return self._xmlsec1().decrypt(enctext, key_file)


def _security_context(conf):
    """pysaml2's sigver.security_context(), with this backend for the configs that name it."""
    if not conf or getattr(conf, "crypto_backend", None) != NAME:
        return _PYSAML2_SECURITY_CONTEXT(conf)
    key_file = conf.getattr("key_file", "")
    rsa = sigver.RSACrypto(sigver.import_rsa_key_from_file(key_file)) if key_file else None
    pairs = conf.encryption_keypairs or []
    return sigver.SecurityContext(
        XmlsecBindingBackend(conf.xmlsec_binary),
        conf.key_file,
        cert_file=conf.cert_file,
        metadata=getattr(conf, "metadata", None),
        only_use_keys_in_metadata=conf.only_use_keys_in_metadata,
        cert_handler_extra_class=conf.cert_handler_extra_class,
        generate_cert_info=conf.generate_cert_info,
        tmp_cert_file=conf.tmp_cert_file,
        tmp_key_file=conf.tmp_key_file,
        validate_certificate=conf.validate_certificate,
        enc_key_files=[pair["key_file"] for pair in pairs if "key_file" in pair],
        encryption_keypairs=conf.encryption_keypairs,
        sec_backend=rsa,  # signs and checks the redirect binding's query strings
        delete_tmpfiles=conf.delete_tmpfiles,
    )


_security_context.xmlsec_binding = True
_PYSAML2_SECURITY_CONTEXT = None  # pysaml2's own, set by install()


def install():
    """Let pysaml2 configs name this backend. Once per process (either twin)."""
    global _PYSAML2_SECURITY_CONTEXT
    if getattr(sigver.security_context, "xmlsec_binding", False):
        return
    _PYSAML2_SECURITY_CONTEXT = sigver.security_context
    for module in (sigver, entity, mdstore, metadata, response):
        module.security_context = _security_context


install()
