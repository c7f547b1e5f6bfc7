"""The sandbox's four SOAP services (FNAC's Contingentement, EtatVentes, PrepareCtrlAcces,
GetCtrlAcces), served with spyne. ALL of the sandbox's spyne imports live in this module.

A request goes: failure mode of the instance (down / slow / garbage) → WS-Security
UsernameToken (PasswordText) checked with lxml before spyne sees the request (user of this
instance, allowed on this service) → spyne → the operation, which checks the manager code
first. Faults: Client.Authentication, Client.ManagerCode, Client.BadRequest; nothing changes on
a fault (operations.py checks before it writes, in one transaction).
"""

import threading
import time
from datetime import datetime
from functools import cache, lru_cache
from io import BytesIO

from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from lxml import etree
from spyne import (
    Application,
    Array,
    Boolean,
    ComplexModel,
    DateTime,
    Decimal,
    Integer,
    ServiceBase,
    Unicode,
    rpc,
)
from spyne import context as spyne_context
from spyne.interface.wsdl import Wsdl11
from spyne.model.fault import Fault
from spyne.protocol.soap import Soap11
from spyne.protocol.xml import SubXmlBase
from spyne.server.wsgi import WsgiApplication

from reseller_sandbox import operations
from reseller_sandbox.models import (
    CONTINGENTEMENT,
    ETAT_VENTES,
    GET_CTRL_ACCES,
    PREPARE_CTRL_ACCES,
    SandboxInstance,
    ServiceUser,
)

WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
INSTANCE_KEY = "reseller_sandbox.instance"
MAX_BODY_BYTES = 20_000_000  # an allotment of a big hall is a large envelope
GARBAGE = b"<<<\x00 reseller sandbox: garbage mode, this answer is not XML \xff\xfe }}}"


def ns(service):
    return f"urn:reseller-sandbox:{service}"


class FastXml(SubXmlBase):
    """Writes one item of a long answer (listAllotment, getSales, getAccessControl: flat types)
    straight with lxml, in the XML spyne would write for its type: spyne's own serialiser takes
    tens of µs per element, too slow for the thousands of lines of a season. WSDL unchanged."""

    def subserialize(self, ctx, cls, inst, parent, ns=None, name=None, **_kwargs):
        cls = getattr(cls, "__orig__", None) or cls
        element = etree.SubElement(parent, f"{{{ns}}}{name}")
        child_ns = cls.get_namespace()
        for key in _field_names(cls):
            value = inst.get(key)
            if value is not None:
                etree.SubElement(element, f"{{{child_ns}}}{key}").text = _text(value)


@cache
def _field_names(cls):
    return tuple(cls.get_flat_type_info(cls))


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def fast_many(cls):
    """A repeated answer element written by FastXml: the method returns plain dicts."""
    return many(cls).customize(prot=FastXml())


def many(cls):
    """A repeated element: used for the operations that answer an array (zeep gives a list).
    Arrays inside parameters and results are spyne Arrays (a wrapper element, items named
    after their type: zeep takes seats={"AllottedSeat": [...]}, seatIds={"string": [...]})."""
    return cls.customize(max_occurs="unbounded", min_occurs=0)


def opt(cls):
    return cls.customize(min_occurs=0)


REQUIRED = {"min_occurs": 1, "nillable": False}
ManagerCode = Unicode(**REQUIRED)


def _type(name, namespace, **fields):
    return type(
        name, (ComplexModel,), {"__namespace__": namespace, "_type_info": list(fields.items())}
    )


# --- types ----------------------------------------------------------------------------------------

C = ns(CONTINGENTEMENT)
AllottedSeat = _type(
    "AllottedSeat",
    C,
    seatId=Unicode,
    block=Unicode,
    row=Unicode,
    number=Unicode,
    categoryId=Unicode,
)
AllottedSeats = Array(AllottedSeat)
CategoryPrice = _type(
    "CategoryPrice", C, categoryId=Unicode, customerCategoryId=Unicode, amount=Decimal
)
AllotmentResult = _type("AllotmentResult", C, allotted=Integer, held=Integer)
# allotMany (an extension): the allotments of many performances in one call.
Allotment = _type(
    "Allotment",
    C,
    manifestationId=Unicode(**REQUIRED),
    performanceCode=Unicode(**REQUIRED),
    performanceDate=DateTime(**REQUIRED),
    seats=opt(AllottedSeats),
    count=opt(Integer),
    categoryId=opt(Unicode),
    prices=opt(Array(CategoryPrice)),
)
PerformanceAllotment = _type(
    "PerformanceAllotment", C, performanceCode=Unicode, allotted=Integer, held=Integer
)
RefusedSeat = _type("RefusedSeat", C, seatId=Unicode, reason=Unicode)
TakeBackResult = _type(
    "TakeBackResult",
    C,
    takenBack=Array(Unicode),
    takenBackCount=Integer,
    refused=Array(RefusedSeat),
)
HeldSeatInfo = _type(
    "HeldSeat",
    C,
    seatId=Unicode,
    block=Unicode,
    row=Unicode,
    number=Unicode,
    categoryId=Unicode,
    sold=Boolean,
)

E = ns(ETAT_VENTES)
SALE_FIELDS = {
    "saleId": Unicode,
    "kind": Unicode,
    "at": DateTime,
    "manifestationId": Unicode,
    "performanceCode": Unicode,
    "seatId": Unicode,
    "block": Unicode,
    "row": Unicode,
    "number": Unicode,
    "categoryId": Unicode,
    "customerCategoryId": Unicode,
    "price": Decimal,
    "firstName": Unicode,
    "lastName": Unicode,
    "barcode": Unicode,
}
SaleLineInfo = _type("SaleLine", E, **SALE_FIELDS)

P = ns(PREPARE_CTRL_ACCES)
PreparedAccessControl = _type("PreparedAccessControl", P, requestId=Unicode, count=Integer)

G = ns(GET_CTRL_ACCES)
AccessBarcode = _type(
    "AccessBarcode",
    G,
    barcode=Unicode,
    performanceCode=Unicode,
    seatId=Unicode,
    saleId=Unicode,
    status=Unicode,
)


# --- services -------------------------------------------------------------------------------------


def instance_of(ctx):
    return ctx.transport.req[INSTANCE_KEY]


class SandboxService(ServiceBase):
    """Checks the manager code (every operation's first parameter) and turns a refused call
    into the contract's fault."""

    @classmethod
    def call_wrapper(cls, ctx, args=None):
        instance = instance_of(ctx)
        code = getattr(ctx.in_object, "managerCode", None)
        if (code or "").strip() != instance.manager_code:
            raise Fault(faultcode="Client.ManagerCode", faultstring="Wrong manager code.")
        try:
            return super().call_wrapper(ctx, args)
        except operations.BadRequest as exc:
            raise Fault(faultcode="Client.BadRequest", faultstring=str(exc)) from exc


def _plain(item, fields):
    if item is None:
        return {}
    if isinstance(item, dict):  # a seat read by FastSoap11
        return {field: item.get(field) for field in fields}
    return {field: getattr(item, field, None) for field in fields}


def _seats(seats):
    """Plain dicts: as `_seats_from_element` reads them already, or from spyne's objects."""
    seats = seats or []
    return (
        seats
        if all(isinstance(s, dict) for s in seats)
        else [_plain(s, SEAT_FIELDS) for s in seats]
    )


def _allotment(a):
    return {
        "manifestationId": a.manifestationId,
        "performanceCode": a.performanceCode,
        "performanceDate": a.performanceDate,
        "seats": _seats(a.seats),
        "count": a.count,
        "categoryId": a.categoryId,
        "prices": [_plain(p, PRICE_FIELDS) for p in a.prices or []],
    }


SEAT_FIELDS = ("seatId", "block", "row", "number", "categoryId")
PRICE_FIELDS = ("categoryId", "customerCategoryId", "amount")


class ContingentementService(SandboxService):
    __service_name__ = CONTINGENTEMENT

    @rpc(
        ManagerCode,
        Unicode(**REQUIRED),
        Unicode(**REQUIRED),
        DateTime(**REQUIRED),
        opt(AllottedSeats),
        opt(Integer),
        opt(Unicode),
        opt(Array(CategoryPrice)),
        _returns=AllotmentResult,
    )
    def allot(  # noqa: PLR0913
        ctx,
        managerCode,  # noqa: N803
        manifestationId,  # noqa: N803
        performanceCode,  # noqa: N803
        performanceDate,  # noqa: N803
        seats,
        count,
        categoryId,  # noqa: N803
        prices,
    ):
        allotted, held = operations.allot(
            instance_of(ctx),
            manifestationId,
            performanceCode,
            performanceDate,
            _seats(seats),
            count,
            categoryId,
            [_plain(p, PRICE_FIELDS) for p in prices or []],
        )
        return AllotmentResult(allotted=allotted, held=held)

    @rpc(
        ManagerCode,
        Array(Allotment).customize(min_occurs=1, nillable=False),
        _returns=fast_many(PerformanceAllotment),
    )
    def allotMany(ctx, managerCode, allotments):  # noqa: N802, N803
        results = operations.allot_many(instance_of(ctx), [_allotment(a) for a in allotments])
        return [
            {"performanceCode": code, "allotted": allotted, "held": held}
            for code, allotted, held in results
        ]

    @rpc(
        ManagerCode,
        Unicode(**REQUIRED),
        opt(Array(Unicode)),
        opt(Integer),
        opt(Unicode),
        _returns=TakeBackResult,
    )
    def takeBack(ctx, managerCode, performanceCode, seatIds, count, categoryId):  # noqa: N802, N803
        taken, taken_count, refused = operations.take_back(
            instance_of(ctx), performanceCode, seatIds, count, categoryId
        )
        return TakeBackResult(
            takenBack=taken,
            takenBackCount=taken_count,
            refused=[RefusedSeat(seatId=s, reason=r) for s, r in refused],
        )

    @rpc(ManagerCode, Unicode(**REQUIRED), _returns=fast_many(HeldSeatInfo))
    def listAllotment(ctx, managerCode, performanceCode):  # noqa: N802, N803
        return [
            {
                "seatId": s.seat_id,
                "block": s.block,
                "row": s.row,
                "number": s.number,
                "categoryId": s.category_id,
                "sold": s.sold,
            }
            for s in operations.list_allotment(instance_of(ctx), performanceCode)
        ]


class EtatVentesService(SandboxService):
    __service_name__ = ETAT_VENTES

    @rpc(ManagerCode, DateTime(**REQUIRED), opt(DateTime), _returns=fast_many(SaleLineInfo))
    def getSales(ctx, managerCode, since, until):  # noqa: N802, N803
        return [
            {
                "saleId": line.sale_id,
                "kind": line.kind,
                "at": line.at,
                "manifestationId": line.manifestation_id,
                "performanceCode": line.performance_code,
                "seatId": line.seat_id,
                "block": line.block,
                "row": line.row,
                "number": line.number,
                "categoryId": line.category_id,
                "customerCategoryId": line.customer_category_id,
                "price": line.price,
                "firstName": line.first_name,
                "lastName": line.last_name,
                "barcode": line.barcode,
            }
            for line in operations.get_sales(instance_of(ctx), since, until)
        ]


class PrepareCtrlAccesService(SandboxService):
    __service_name__ = PREPARE_CTRL_ACCES

    @rpc(ManagerCode, Unicode(**REQUIRED), _returns=PreparedAccessControl)
    def prepareAccessControl(ctx, managerCode, performanceCode):  # noqa: N802, N803
        request = operations.prepare_access_control(instance_of(ctx), performanceCode)
        return PreparedAccessControl(requestId=request.request_id, count=len(request.barcodes))


class GetCtrlAccesService(SandboxService):
    __service_name__ = GET_CTRL_ACCES

    @rpc(ManagerCode, Unicode(**REQUIRED), _returns=fast_many(AccessBarcode))
    def getAccessControl(ctx, managerCode, requestId):  # noqa: N802, N803
        return operations.get_access_control(instance_of(ctx), requestId)


SERVICE_CLASSES = {
    CONTINGENTEMENT: ContingentementService,
    ETAT_VENTES: EtatVentesService,
    PREPARE_CTRL_ACCES: PrepareCtrlAccesService,
    GET_CTRL_ACCES: GetCtrlAccesService,
}


def _seats_from_element(ctx, cls, element):
    """An array of AllottedSeat, read straight from the (schema-validated) lxml tree as plain
    dicts: spyne's own reader takes tens of µs per element, too slow for a season's seats."""
    seats = []
    for item in element:
        if isinstance(item.tag, str):
            seats.append(
                {f.tag.rpartition("}")[2]: f.text or "" for f in item if isinstance(f.tag, str)}
            )
    return seats


class FastSoap11(Soap11):
    """Soap11 whose AllottedSeat arrays are read by `_seats_from_element` (allot, allotMany)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.deserialization_handlers[AllottedSeats] = _seats_from_element


def _application(service):
    return Application(
        [SERVICE_CLASSES[service]],
        tns=ns(service),
        name=service,
        in_protocol=FastSoap11(validator="lxml"),
        out_protocol=Soap11(),
    )


APPLICATIONS = {service: _application(service) for service in SERVICE_CLASSES}
WSGI_APPLICATIONS = {service: WsgiApplication(app) for service, app in APPLICATIONS.items()}
_WSDL_LOCK = threading.Lock()


@lru_cache(maxsize=64)
def _wsdl(service, url):
    """The WSDL of a service, its soap:address being this instance's URL (spyne's own
    WsgiApplication caches one WSDL for every URL: each instance needs its own)."""
    with _WSDL_LOCK:
        document = Wsdl11(APPLICATIONS[service].interface)
        document.build_interface_document(url)
        return document.get_interface_document()


# --- the Django side ------------------------------------------------------------------------------

_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
OUR_FAULTS = {"Client.Authentication", "Client.ManagerCode", "Client.BadRequest"}


def fault_response(message, code="Client.BadRequest"):
    envelope = etree.Element(f"{{{SOAP_ENV_NS}}}Envelope", nsmap={"soap": SOAP_ENV_NS})
    body = etree.SubElement(envelope, f"{{{SOAP_ENV_NS}}}Body")
    fault = etree.SubElement(body, f"{{{SOAP_ENV_NS}}}Fault")
    etree.SubElement(fault, "faultcode").text = f"soap:{code}"
    etree.SubElement(fault, "faultstring").text = str(message)
    return HttpResponse(
        etree.tostring(envelope, xml_declaration=True, encoding="utf-8"),
        status=500,
        content_type="text/xml; charset=utf-8",
    )


class AuthenticationFailed(Exception):
    pass


def credentials(root):
    token = root.find(f"{{{SOAP_ENV_NS}}}Header/{{{WSSE_NS}}}Security/{{{WSSE_NS}}}UsernameToken")
    if token is None:
        raise AuthenticationFailed("A WS-Security UsernameToken is required.")
    username = (token.findtext(f"{{{WSSE_NS}}}Username") or "").strip()
    password = token.find(f"{{{WSSE_NS}}}Password")
    if password is None or "PasswordDigest" in (password.get("Type") or ""):
        raise AuthenticationFailed("A UsernameToken with a PasswordText password is required.")
    return username, password.text or ""


def authenticate(instance, service, root):
    username, password = credentials(root)
    user = ServiceUser.objects.filter(instance=instance, username=username).first()
    if user is None or not user.check_password(password):
        raise AuthenticationFailed("Unknown user or wrong password.")
    if not user.allowed(service):
        raise AuthenticationFailed(f"User {username} may not use {service}.")
    return user


def _bad_request_faults(content):
    """Spyne's own client faults (schema validation…) become Client.BadRequest, so that a
    caller sees the contract's three codes only; the message is kept."""
    try:
        root = etree.fromstring(content, parser=_SAFE_PARSER)
    except etree.XMLSyntaxError:
        return content
    code = root.find(f"{{{SOAP_ENV_NS}}}Body/{{{SOAP_ENV_NS}}}Fault/faultcode")
    if code is None or not code.text:
        return content
    prefix, _sep, name = code.text.rpartition(":")
    if name.startswith("Client") and name not in OUR_FAULTS:
        code.text = f"{prefix}:Client.BadRequest" if prefix else "Client.BadRequest"
        return etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return content


def _failure(instance):
    """The answer of an instance switched to a failure mode, or None (slow: after sleeping)."""
    mode = instance.mode
    if mode == SandboxInstance.Mode.DOWN:
        return HttpResponse(
            "Service unavailable (reseller sandbox in down mode).",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    if mode == SandboxInstance.Mode.SLOW:
        time.sleep(instance.slow_seconds)
    if mode == SandboxInstance.Mode.GARBAGE:
        return HttpResponse(GARBAGE, status=200, content_type="text/xml; charset=utf-8")
    return None


@csrf_exempt
def service_view(request, instance, service):
    if service not in SERVICE_CLASSES:
        raise Http404("No such service.")
    instance = SandboxInstance.objects.filter(slug=instance).first()
    if instance is None:
        raise Http404("No such sandbox instance.")
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    failed = _failure(instance)
    if failed is not None:
        return failed
    if request.method == "GET":
        if "wsdl" not in {k.lower() for k in request.GET}:
            return HttpResponse(
                "This is a SOAP endpoint: POST a SOAP envelope, or GET ?wsdl.",
                status=405,
                headers={"Allow": "GET, POST"},
                content_type="text/plain; charset=utf-8",
            )
        url = request.build_absolute_uri(request.path)
        return HttpResponse(_wsdl(service, url), content_type="text/xml; charset=utf-8")
    # Read as a stream: a season's allotMany is over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (a
    # form's limit, which request.body enforces); this endpoint has its own, MAX_BODY_BYTES.
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return fault_response("The request is too large.")
    try:
        root = etree.fromstring(body, parser=_SAFE_PARSER)
        authenticate(instance, service, root)
    except etree.XMLSyntaxError:
        return fault_response("Malformed XML.")
    except AuthenticationFailed as exc:
        return fault_response(exc, code="Client.Authentication")
    environ = request.META.copy()
    environ[INSTANCE_KEY] = instance
    environ["wsgi.input"] = BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    response = HttpResponse()

    def start_response(status, headers):
        response.status_code = int(status.split(" ", 1)[0])
        for header, value in headers:
            if header.lower() != "content-length":
                response[header] = value

    # spyne ends a request with a full gc.collect() when the last one ran over a second ago
    # (spyne.const.MIN_GC_INTERVAL, "to have file descriptors returned"): with this project's
    # heap that is ~0.5 s per call of a slow client, most of an allotment's time. The
    # sandbox's calls open no file: mark the collection as just run, and as run at the end
    # of this call however long it takes (a season's allotMany takes seconds).
    spyne_context._LAST_GC_RUN = time.time() + 60
    content = b"".join(WSGI_APPLICATIONS[service](environ, start_response))
    if response.status_code == 500:
        content = _bad_request_faults(content)
    response.content = content
    return response
