"""The SOAP services (C2, C3), served with spyne. ALL spyne imports live in this module: spyne is
unmaintained, and replacing it must touch one file only.

Authentication is a WS-Security UsernameToken (PasswordText), read here with lxml before spyne
sees the request: no or wrong credentials give a SOAP fault and nothing else.
"""

from datetime import datetime
from functools import cache
from io import BytesIO

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from lxml import etree
from spyne import (
    Application,
    Boolean,
    ComplexModel,
    DateTime,
    Fault,
    Integer,
    Long,
    ServiceBase,
    Unicode,
    rpc,
)
from spyne.protocol.soap import Soap11
from spyne.protocol.xml import SubXmlBase
from spyne.server.wsgi import WsgiApplication

from ticketshop.api import services
from ticketshop.api.auth import AuthenticationFailed, authenticate
from ticketshop.sales.availability import InvalidIds, TooManyIds

CATALOG_NS = "http://v1_33.catalog.realtime.service.secutix.com/"
AVAILABILITY_NS = "http://v1_33.availability.realtime.service.secutix.com/"
WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
ACCOUNT_KEY = "ticketshop.api_account"
MAX_BODY_BYTES = 1_000_000


# --- types -----------------------------------------------------------------------------------


def many(cls):
    return cls.customize(max_occurs="unbounded", min_occurs=0)


class LocalizedText(ComplexModel):
    __namespace__ = CATALOG_NS
    language = Unicode
    value = Unicode


class Named(ComplexModel):
    __namespace__ = CATALOG_NS
    id = Long
    code = Unicode
    name = Unicode
    names = many(LocalizedText)


class PriceInfo(ComplexModel):
    __namespace__ = CATALOG_NS
    tariffId = Long
    tariffCode = Unicode
    tariffName = Unicode
    audienceSubcategoryId = Long
    audienceSubcategoryCode = Unicode
    amount = Long  # thousandths of the currency unit


class SeatCategoryInfo(ComplexModel):
    __namespace__ = CATALOG_NS
    id = Long
    code = Unicode
    name = Unicode
    names = many(LocalizedText)
    rank = Integer
    prices = many(PriceInfo)


class ThemeInfo(ComplexModel):
    __namespace__ = CATALOG_NS
    id = Long
    code = Unicode
    name = Unicode
    names = many(LocalizedText)
    parentId = Long


class PerformanceInfo(ComplexModel):
    __namespace__ = CATALOG_NS
    id = Long
    state = Unicode
    start = DateTime
    durationMinutes = Integer
    venue = Named
    hall = Named
    seatCategories = many(SeatCategoryInfo)


class SalesPeriodInfo(ComplexModel):
    __namespace__ = CATALOG_NS
    start = DateTime
    end = DateTime


class CrossSellingInfo(ComplexModel):
    __namespace__ = CATALOG_NS
    productId = Long
    code = Unicode
    rank = Integer


class ProductInfo(ComplexModel):
    __namespace__ = CATALOG_NS
    id = Long
    code = Unicode
    state = Unicode
    family = Unicode
    name = Unicode
    names = many(LocalizedText)
    description = Unicode
    descriptions = many(LocalizedText)
    productDetailUrl = Unicode
    quota = Long
    themes = many(ThemeInfo)
    performances = many(PerformanceInfo)
    prices = many(PriceInfo)
    salesPeriods = many(SalesPeriodInfo)
    crossSelling = many(CrossSellingInfo)
    componentIds = many(Long)


class SeasonInfo(ComplexModel):
    __namespace__ = CATALOG_NS
    id = Long
    code = Unicode
    name = Unicode
    names = many(LocalizedText)
    startDate = Unicode
    endDate = Unicode
    products = many(ProductInfo)


class AudienceSubcategoryInfo(ComplexModel):
    __namespace__ = CATALOG_NS
    id = Long
    code = Unicode
    name = Unicode
    names = many(LocalizedText)
    membersOnly = Boolean


class AudienceCategoryInfo(ComplexModel):
    __namespace__ = CATALOG_NS
    id = Long
    code = Unicode
    name = Unicode
    names = many(LocalizedText)
    subcategories = many(AudienceSubcategoryInfo)


class ShowcaseInfo(ComplexModel):
    __namespace__ = CATALOG_NS
    productId = Long
    rank = Integer


class CatalogDetailed(ComplexModel):
    __namespace__ = CATALOG_NS
    pointOfSalesId = Long
    currency = Unicode
    language = Unicode
    generatedAt = DateTime
    seasons = many(SeasonInfo)
    audienceCategories = many(AudienceCategoryInfo)
    showcase = many(ShowcaseInfo)


class CatalogResult(ComplexModel):
    __namespace__ = CATALOG_NS
    requestId = Unicode
    statusCode = Unicode
    statusDetail = Unicode
    catalogData = Unicode


class FastXml(SubXmlBase):
    """Writes a large typed answer straight with lxml, in the XML spyne would write for its
    type (elements in the type's namespace, in field order, lists as repeated elements, empty
    values left out). Spyne's own serialiser takes about 35 µs per element: too slow for a
    catalogue of 10,000 performances. The WSDL is unchanged."""

    def subserialize(self, ctx, cls, inst, parent, ns=None, name=None, **_kwargs):
        _write(parent, getattr(cls, "__orig__", None) or cls, inst, ns, name)


def _text(field_type, value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if issubclass(field_type, DateTime) and isinstance(value, str):
        return datetime.fromisoformat(value).isoformat()
    return str(value)


def _write(parent, cls, inst, ns, name):
    element = etree.SubElement(parent, f"{{{ns}}}{name}")
    child_ns = cls.get_namespace()
    for key, field_type in _fields(cls).items():
        value = inst.get(key) if isinstance(inst, dict) else getattr(inst, key, None)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        complex_ = issubclass(field_type, ComplexModel)
        tag = f"{{{child_ns}}}{key}"
        for item in values:
            if item is None:
                continue
            if complex_:
                _write(element, field_type, item, child_ns, key)
            else:
                etree.SubElement(element, tag).text = _text(field_type, item)


class CatalogDetailedResult(ComplexModel):
    __namespace__ = CATALOG_NS
    requestId = Unicode
    statusCode = Unicode
    statusDetail = Unicode
    catalogData = CatalogDetailed.customize(prot=FastXml())


class LastSetupUpdateResult(ComplexModel):
    __namespace__ = CATALOG_NS
    statusCode = Unicode
    lastSetupUpdate = DateTime


class POSConfigResult(ComplexModel):
    __namespace__ = CATALOG_NS
    statusCode = Unicode
    pointOfSalesId = Long
    pointOfSalesCode = Unicode
    pointOfSalesName = Unicode
    organisationCode = Unicode
    channelCode = Unicode
    currency = Unicode
    timeZone = Unicode
    defaultLanguage = Unicode
    languages = many(Unicode)
    alertRatio = Unicode
    showRemainingCount = Boolean
    productDetailUrl = Unicode
    websiteHomeUrl = Unicode
    termsOfSaleUrl = Unicode
    securityPrivacyUrl = Unicode
    helpUrl = Unicode
    contactUrl = Unicode


class SeatCategoryAvailability(ComplexModel):
    __namespace__ = AVAILABILITY_NS
    seatCategoryId = Long
    indicator = Integer
    label = Unicode
    remaining = Long


class ProductAvailability(ComplexModel):
    __namespace__ = AVAILABILITY_NS
    productId = Long
    indicator = Integer
    label = Unicode
    remaining = Long


class PerformanceAvailability(ComplexModel):
    __namespace__ = AVAILABILITY_NS
    performanceId = Long
    indicator = Integer
    label = Unicode
    remaining = Long
    seatCategories = many(SeatCategoryAvailability)


class ProductAvailabilityResult(ComplexModel):
    __namespace__ = AVAILABILITY_NS
    statusCode = Unicode
    availabilities = many(ProductAvailability)
    unknownIds = many(Long)


class PerformanceAvailabilityResult(ComplexModel):
    __namespace__ = AVAILABILITY_NS
    statusCode = Unicode
    availabilities = many(PerformanceAvailability)
    unknownIds = many(Long)


class UpdatedAvailabilitiesResult(ComplexModel):
    __namespace__ = AVAILABILITY_NS
    statusCode = Unicode
    referenceDate = DateTime
    availabilities = many(ProductAvailability)


# --- building typed answers from the shared plain data -----------------------------------------


class Attributes(dict):
    """A dict spyne reads as an object (it serialises with getattr): no spyne instance per
    element, which matters for a catalogue of thousands of performances."""

    __slots__ = ()

    def __getattr__(self, name):
        return self.get(name)


@cache
def _fields(cls):
    return {
        key: (getattr(field_type, "__orig__", None) or field_type)
        for key, field_type in cls.get_flat_type_info(cls).items()
    }


def build(cls, data):
    """An object spyne serialises as `cls`, from nested dicts/lists (other keys are dropped)."""
    if not isinstance(data, dict):
        return data
    result = Attributes()
    for key, field_type in _fields(cls).items():
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, list):
            value = [build(field_type, v) for v in value]
        elif isinstance(value, dict):
            value = build(field_type, value)
        elif isinstance(value, str) and issubclass(field_type, DateTime):
            value = datetime.fromisoformat(value)
        result[key] = value
    return result


def account_of(ctx):
    return ctx.transport.req[ACCOUNT_KEY]


def pos_of(ctx):
    return account_of(ctx).point_of_sales


def client_fault(message, code="Client"):
    return Fault(faultcode=code, faultstring=str(message))


def _ids(ids):
    return [i for i in (ids or []) if i is not None]


# --- services ----------------------------------------------------------------------------------

OPTIONAL = {"min_occurs": 0}


class CatalogService(ServiceBase):
    @rpc(
        Unicode(**OPTIONAL),
        Unicode(**OPTIONAL),
        Unicode(**OPTIONAL),
        Unicode(**OPTIONAL),
        _returns=CatalogResult,
        _out_variable_name="return",
    )
    def getCatalog(ctx, requestId, seasonCode, productCode, language):  # noqa: N802, N803
        xml = services.catalogue_summary(pos_of(ctx), language, seasonCode, productCode)
        return CatalogResult(
            requestId=requestId, statusCode=services.SUCCESS, statusDetail="", catalogData=xml
        )

    @rpc(
        Unicode(**OPTIONAL),
        Unicode(**OPTIONAL),
        Unicode(**OPTIONAL),
        Unicode(**OPTIONAL),
        _returns=CatalogDetailedResult,
        _out_variable_name="return",
    )
    def getCatalogDetailed(ctx, requestId, seasonCode, productCode, language):  # noqa: N802, N803
        data = services.catalogue(pos_of(ctx), language, seasonCode, productCode)
        return CatalogDetailedResult(
            requestId=requestId,
            statusCode=services.SUCCESS,
            statusDetail="",
            catalogData=data,  # written by FastXml
        )

    @rpc(_returns=LastSetupUpdateResult, _out_variable_name="return")
    def getLastSetupUpdate(ctx):  # noqa: N802
        value = services.catalogue_export.last_setup_update(pos_of(ctx))
        return LastSetupUpdateResult(statusCode=services.SUCCESS, lastSetupUpdate=value)

    @rpc(_returns=POSConfigResult, _out_variable_name="return")
    def getPOSConfig(ctx):  # noqa: N802
        data = services.pos_config(pos_of(ctx))
        return build(POSConfigResult, {**data, "statusCode": services.SUCCESS})

    @rpc(_returns=Boolean, _out_variable_name="return")
    def isCatalogServiceAlive(ctx):  # noqa: N802
        return True


class AvailabilityService(ServiceBase):
    @rpc(
        Long(max_occurs="unbounded", min_occurs=1),
        _returns=ProductAvailabilityResult,
        _out_variable_name="return",
    )
    def getProductAvailability(ctx, productIds):  # noqa: N802, N803
        try:
            data = services.product_availabilities(pos_of(ctx), _ids(productIds))
        except TooManyIds as exc:
            raise client_fault(exc, "Client.TooManyIds") from exc
        except InvalidIds as exc:
            raise client_fault(exc, "Client.InvalidIds") from exc
        return build(ProductAvailabilityResult, data)

    @rpc(
        Long(max_occurs="unbounded", min_occurs=1),
        Boolean(**OPTIONAL),
        _returns=PerformanceAvailabilityResult,
        _out_variable_name="return",
    )
    def getPerformanceAvailability(ctx, performanceIds, bySeatCategory):  # noqa: N802, N803
        try:
            data = services.performance_availabilities(
                pos_of(ctx), _ids(performanceIds), bool(bySeatCategory)
            )
        except TooManyIds as exc:
            raise client_fault(exc, "Client.TooManyIds") from exc
        except InvalidIds as exc:
            raise client_fault(exc, "Client.InvalidIds") from exc
        return build(PerformanceAvailabilityResult, data)

    @rpc(
        DateTime(min_occurs=1, nillable=False),
        Long(max_occurs="unbounded", min_occurs=0),
        _returns=UpdatedAvailabilitiesResult,
        _out_variable_name="return",
    )
    def getUpdatedAvailabilities(ctx, referenceDate, productIds):  # noqa: N802, N803
        try:
            data = services.updated_availabilities(
                pos_of(ctx), referenceDate, _ids(productIds) or None
            )
        except TooManyIds as exc:
            raise client_fault(exc, "Client.TooManyIds") from exc
        except InvalidIds as exc:
            raise client_fault(exc, "Client.InvalidIds") from exc
        data["referenceDate"] = referenceDate
        return build(UpdatedAvailabilitiesResult, data)


def _application(service, tns, name):
    return WsgiApplication(
        Application(
            [service],
            tns=tns,
            name=name,
            in_protocol=Soap11(validator="lxml"),
            out_protocol=Soap11(),
        )
    )


# --- the Django side ---------------------------------------------------------------------------

_SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def fault_response(message, code="Client", status=500):
    envelope = etree.Element(f"{{{SOAP_ENV_NS}}}Envelope", nsmap={"soap": SOAP_ENV_NS})
    body = etree.SubElement(envelope, f"{{{SOAP_ENV_NS}}}Body")
    fault = etree.SubElement(body, f"{{{SOAP_ENV_NS}}}Fault")
    etree.SubElement(fault, "faultcode").text = f"soap:{code}"
    etree.SubElement(fault, "faultstring").text = str(message)
    return HttpResponse(
        etree.tostring(envelope, xml_declaration=True, encoding="utf-8"),
        status=status,
        content_type="text/xml; charset=utf-8",
    )


def credentials(body):
    """(username, password) of the WS-Security UsernameToken of a SOAP envelope.

    Raises etree.XMLSyntaxError for malformed XML and AuthenticationFailed when it has none.
    """
    root = etree.fromstring(body, parser=_SAFE_PARSER)
    token = root.find(f"{{{SOAP_ENV_NS}}}Header/{{{WSSE_NS}}}Security/{{{WSSE_NS}}}UsernameToken")
    if token is None:
        raise AuthenticationFailed("A WS-Security UsernameToken is required.")
    username = token.findtext(f"{{{WSSE_NS}}}Username") or ""
    password = token.find(f"{{{WSSE_NS}}}Password")
    if password is None or "PasswordDigest" in (password.get("Type") or ""):
        raise AuthenticationFailed("A UsernameToken with a PasswordText password is required.")
    return username.strip(), password.text or ""


def soap_view(wsgi_app):
    """A Django view handing the request to spyne once the caller is known."""

    @csrf_exempt
    def view(request):
        if request.method not in ("GET", "POST"):
            return HttpResponse(status=405, headers={"Allow": "GET, POST"})
        if request.method == "GET" and "wsdl" not in {k.lower() for k in request.GET}:
            return HttpResponse(
                "This is a SOAP endpoint: POST a SOAP envelope, or GET ?wsdl.",
                status=405,
                headers={"Allow": "GET, POST"},
                content_type="text/plain; charset=utf-8",
            )
        environ = request.META.copy()
        if request.method == "POST":
            body = request.body
            if len(body) > MAX_BODY_BYTES:
                return fault_response("The request is too large.")
            try:
                username, password = credentials(body)
                environ[ACCOUNT_KEY] = authenticate(username, password)
            except etree.XMLSyntaxError:
                return fault_response("Malformed XML.")
            except AuthenticationFailed as exc:
                return fault_response(exc, code="Client.Authentication")
            environ["wsgi.input"] = BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        else:
            environ["QUERY_STRING"] = "wsdl"
            environ["wsgi.input"] = BytesIO(b"")
        response = HttpResponse()

        def start_response(status, headers):
            response.status_code = int(status.split(" ", 1)[0])
            for header, value in headers:
                if header.lower() != "content-length":
                    response[header] = value

        response.content = b"".join(wsgi_app(environ, start_response))
        return response

    return view


catalog_view = soap_view(_application(CatalogService, CATALOG_NS, "CatalogService"))
availability_view = soap_view(
    _application(AvailabilityService, AVAILABILITY_NS, "AvailabilityService")
)


def _describe(service):
    methods = []
    for name, descriptor in sorted(service.public_methods.items()):
        parameters = {}
        for arg, arg_type in descriptor.in_message._type_info.items():
            many_ = arg_type.Attributes.max_occurs not in (1, "1")
            optional = arg_type.Attributes.min_occurs == 0
            text = arg_type.get_type_name() + (" (repeated)" if many_ else "")
            parameters[arg] = text + (", optional" if optional else "")
        methods.append({"name": name, "parameters": parameters})
    return methods


def describe():
    """{"catalog": [...], "availability": [...]}: the SOAP methods and their parameters."""
    return {"catalog": _describe(CatalogService), "availability": _describe(AvailabilityService)}
