"""A fast reader of large SOAP answers (P1): the same Python values as zeep's, read in one pass.

zeep parses an answer element by element through its schema objects, about 0.3 ms per element:
for getCatalogDetailed with 10 000 performances (≈ 220 000 elements) that was most of a first
import (profiled: zeep's parse_xmlelements 36 % of an import, more than the whole page writing).
Here the answer is parsed by lxml (with zeep's own safe parser settings: no DTD, no entities),
then walked once with readers compiled from the WSDL's own types (zeep's): each declared child
element becomes a key, a repeated one a list ([] when absent), a missing one None, and a simple
value is converted by zeep's own type (`pythonvalue`): ints, datetimes, booleans as zeep gives
them. The result is what `zeep.helpers.serialize_object(answer, dict)` gives for the same answer
(a test compares both on a real catalogue).

Anything this reader does not expect (a fault, another status than 200, an element the type does
not declare, an attribute-bearing or choice type, a multipart answer) goes to zeep's ordinary
path instead: its errors and results stay zeep's. The SOAP contract is untouched (same request,
same WSDL); only the reading of the answer changes.
"""

from lxml import etree
from zeep.helpers import serialize_object
from zeep.loader import parse_xml
from zeep.xsd import Element
from zeep.xsd.elements.indicators import Sequence
from zeep.xsd.types.complex import ComplexType
from zeep.xsd.types.simple import AnySimpleType

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
SOAP_BODY = "{http://schemas.xmlsoap.org/soap/envelope/}Body"


class NotFast(Exception):
    """This answer or type is left to zeep."""


def _simple(xsd_type):
    convert = xsd_type.pythonvalue

    def read(element):
        if element.get(XSI_NIL) in ("true", "1"):
            return None
        text = element.text
        if text is None:
            return None
        try:
            return convert(text)
        except (TypeError, ValueError):
            return None  # as zeep: a value its type cannot read becomes None

    return read


def _reader(xsd_type, readers):
    key = id(xsd_type)
    if key in readers:
        return readers[key]
    if isinstance(xsd_type, AnySimpleType):
        readers[key] = _simple(xsd_type)
        return readers[key]
    if (
        not isinstance(xsd_type, ComplexType)
        or type(xsd_type).parse_xmlelement is not ComplexType.parse_xmlelement
        or xsd_type.attributes
    ):
        raise NotFast(f"type {xsd_type!r}")
    nested = xsd_type.elements_nested
    if any(not isinstance(part, (Element, Sequence)) for _name, part in nested):
        raise NotFast(f"type {xsd_type!r}: not a plain sequence")
    fields = {}  # child tag: (key, repeated, reader)
    empty = {}
    readers[key] = None  # a recursive type is refused below (its reader is not built yet)

    def read(element):
        if element.get(XSI_NIL) in ("true", "1"):
            return None
        value = {name: ([] if repeated else None) for name, repeated in empty.items()}
        for child in element:
            field = fields.get(child.tag)
            if field is None:
                raise NotFast(f"undeclared element {child.tag}")
            name, repeated, read_child = field
            if repeated:
                value[name].append(read_child(child))
            else:
                value[name] = read_child(child)
        return value

    for name, element in xsd_type.elements:
        if not isinstance(element, Element) or element.qname is None:
            raise NotFast(f"type {xsd_type!r}: {name}")
        child_reader = _reader(element.type, readers)
        if child_reader is None:
            raise NotFast(f"type {xsd_type!r}: recursive")
        repeated = element.accepts_multiple
        fields[element.qname.text] = (name, repeated, child_reader)
        empty[name] = repeated
    readers[key] = read
    return read


def _unwrap(wrapper_type, value):
    """zeep's SoapMessage.deserialize: the body's one element, then its one child if it has
    exactly one (and no attribute)."""
    if value is None or len(value) == 0:
        return None
    if len(value) > 1:
        return value
    [(name, inner)] = value.items()
    element = dict(wrapper_type.elements)[name]
    if isinstance(inner, dict) and isinstance(element.type, ComplexType):
        children = element.type.elements
        if len(children) == 1 and not element.type.attributes:
            return inner[children[0][0]]
    return inner


def call(service, method, **params):
    """service.<method>(**params) as zeep answers it, through serialize_object(…, dict)."""
    client, binding = service._client, service._binding
    operation = binding.get(method)
    with client.settings(raw_response=True):
        response = getattr(service, method)(**params)
    try:
        return _read(client, operation, response)
    except NotFast:
        return serialize_object(binding.process_reply(client, operation, response), dict)


def _read(client, operation, response):
    content_type = response.headers.get("Content-Type", "text/xml")
    if response.status_code != 200 or "multipart" in content_type:
        raise NotFast("status or content type")
    try:
        envelope = parse_xml(response.content, client.transport, settings=client.settings)
    except etree.XMLSyntaxError as error:
        raise NotFast("syntax") from error
    body = envelope.find(SOAP_BODY)
    body_element = operation.output.body
    elements = [child for child in body if isinstance(child.tag, str)] if body is not None else []
    if len(elements) != 1 or elements[0].tag != body_element.qname.text:
        raise NotFast("not the expected answer (a fault?)")
    readers = _readers(body_element.type)
    return _unwrap(body_element.type, readers(elements[0]))


_compiled = {}


def _readers(xsd_type):
    if id(xsd_type) not in _compiled:
        _compiled[id(xsd_type)] = (xsd_type, _reader(xsd_type, {}))
    return _compiled[id(xsd_type)][1]
