"""The SOAP services (C2, C3), served with spyne. ALL spyne imports live in this module: spyne is
unmaintained, and replacing it must touch one file only.

Authentication is a WS-Security UsernameToken (PasswordText), read here with lxml before spyne
sees the request: no or wrong credentials give a SOAP fault and nothing else.
"""

from datetime import datetime
from functools import cache
from io import BytesIO

import spyne.const
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from lxml import etree
from spyne import (
    Application,
    Boolean,
    ComplexModel,
    DateTime,
    Integer,
    Long,
    ServiceBase,
    Unicode,
    rpc,
)
from spyne.model.complex import ComplexModelMeta
from spyne.protocol.soap import Soap11
from spyne.protocol.xml import SubXmlBase
from spyne.server.wsgi import WsgiApplication

from ticketshop.api import services
from ticketshop.api.auth import AuthenticationFailed, TooManyAttempts, authenticate_request
from ticketshop.sales.availability import InvalidIds, TooManyIds

CATALOG_NS = "http://v1_33.catalog.realtime.service.secutix.com/"
AVAILABILITY_NS = "http://v1_33.availability.realtime.service.secutix.com/"
SETUP_NS = "http://v1_33.setup.realtime.service.secutix.com/"
ORDER_HISTORY_NS = "http://v1_33.externalorderhistory.realtime.service.secutix.com/"
WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
ACCOUNT_KEY = "ticketshop.api_account"
MAX_BODY_BYTES = 1_000_000


# spyne runs a full gc.collect() after a call (at most once a second) to close its own files
# early; we give it none (Django owns the request), and in a Django process a full collection
# took ~1 s per catalogue call (profiled, P1): off.
spyne.const.MIN_GC_INTERVAL = float("inf")


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


# --- types (SecuTix v1_33 names) ------------------------------------------------------------------


def many(cls):
    return cls.customize(max_occurs="unbounded", min_occurs=0)


def _type(name, ns, **fields):
    """A spyne ComplexModel called `name` in namespace `ns`, fields in the given order."""
    return ComplexModelMeta(
        name, (ComplexModel,), {"__namespace__": ns, "_type_info": list(fields.items())}
    )


def _result(name, ns, **fields):
    """A result type: what every answer carries, then its own fields."""
    return _type(name, ns, statusCode=Unicode, statusDetail=Unicode, requestId=Long, **fields)


C = CATALOG_NS
Translation = _type("Translation", C, locale=Unicode, value=Unicode)
TranslatedText = _type("TranslatedText", C, translations=many(Translation))
SeatCategory = _type(
    "SeatCategory", C, id=Long, code=Unicode, externalName=TranslatedText, rank=Integer
)
Site = _type("Site", C, id=Long, code=Unicode, externalName=TranslatedText)
Space = _type("Space", C, id=Long, code=Unicode, externalName=TranslatedText)
PriceInfo = _type("Price", C, seatCatId=Long, audSubCatId=Long, priceLevelId=Long, amount=Long)
Performance = _type(
    "Performance",
    C,
    id=Long,
    start=DateTime,
    duration=Long,
    state=Unicode,
    site=Site,
    space=Space,
    seatCategories=many(SeatCategory),
    prices=many(PriceInfo),
)
Event = _type("Event", C, performances=many(Performance))
ThemeInfo = _type("Theme", C, id=Long, code=Unicode, externalName=TranslatedText, parentId=Long)
SalesPeriod = _type("SalesPeriod", C, start=DateTime, end=DateTime)
Product = _type(
    "Product",
    C,
    id=Long,
    code=Unicode,
    productFamilyType=Unicode,
    productFamilySubType=Unicode,
    state=Unicode,
    vatCodeId=Long,
    externalName=TranslatedText,
    externalDescription=TranslatedText,
    seasonId=Long,
    themes=many(ThemeInfo),
    salesPeriods=many(SalesPeriod),
    event=Event,
    prices=many(PriceInfo),
)
AudienceSubCategory = _type(
    "AudienceSubCategory",
    C,
    id=Long,
    code=Unicode,
    externalName=TranslatedText,
    audienceCategoryKind=Unicode,
    requiredAudienceSubCategoryIds=many(Long),
    crossSeatCategory=Boolean,
)
AudienceCategory = _type(
    "AudienceCategory",
    C,
    id=Long,
    code=Unicode,
    mainCategory=Unicode,
    secondaryCategory=Unicode,
    externalName=TranslatedText,
    audienceSubCategories=many(AudienceSubCategory),
)
PriceLevel = _type("PriceLevel", C, id=Long, code=Unicode, mainCategory=Unicode)
SeasonSummary = _type(
    "SeasonSummary",
    C,
    id=Long,
    code=Unicode,
    state=Unicode,
    start=DateTime,
    end=DateTime,
    externalName=TranslatedText,
)
Season = _type(
    "Season",
    C,
    id=Long,
    code=Unicode,
    state=Unicode,
    start=DateTime,
    end=DateTime,
    externalName=TranslatedText,
    audienceCategories=many(AudienceCategory),
    priceLevels=many(PriceLevel),
    products=many(Product),
)
CatalogData = _type("CatalogData", C, seasons=many(Season))
POSConfigData = _type(
    "POSConfigData",
    C,
    posId=Long,
    posCode=Unicode,
    posName=Unicode,
    institutionCode=Unicode,
    salesChannelCode=Unicode,
    currencyCode=Unicode,
    organizationTimeZone=Unicode,
    defaultLanguage=Unicode,
    languages=many(Unicode),
    showRemainingCount=Boolean,
    highlightSeason=Boolean,
    productDetailUrl=Unicode,
    websiteHomeUrl=Unicode,
    termsOfSaleUrl=Unicode,
)


def _catalog_result(name):
    return _result(name, C, requestState=Unicode, catalogData=CatalogData.customize(prot=FastXml()))


CatalogResultDetailed = _catalog_result("CatalogResultDetailed")
CatalogResult = _catalog_result("CatalogResult")
POSConfigResult = _result("POSConfigResult", C, posConfigData=POSConfigData)
LastSetupUpdateResult = _result("LastSetupUpdateResult", C, lastSetupUpdate=DateTime)
ServiceAliveResult = _result("ServiceAliveResult", C)

A = AVAILABILITY_NS
Availability = {"indicator": Integer, "label": Unicode, "remaining": Long}
SeatCategoryAvailability = _type("SeatCategoryAvailability", A, seatCategoryId=Long, **Availability)
ProductAvailability = _type("ProductAvailability", A, productId=Long, **Availability)
PerformanceAvailability = _type(
    "PerformanceAvailability",
    A,
    performanceId=Long,
    **Availability,
    seatCategories=many(SeatCategoryAvailability),
)
EventAvailability = _type(
    "EventAvailability",
    A,
    productId=Long,
    **Availability,
    performanceAvailabilities=many(PerformanceAvailability),
)
FreeSeat = _type("FreeSeat", A, seatId=Long, rowNumber=Unicode, seatNumber=Unicode)
SeatCategoryFreeSeats = _type(
    "SeatCategoryFreeSeats", A, seatCategoryId=Long, freeSeatCount=Integer, freeSeats=many(FreeSeat)
)
AvailableTheme = _type(
    "AvailableTheme", A, id=Long, code=Unicode, externalName=TranslatedText, parentId=Long
)
AvailabilityUpdateData = _type("AvailabilityUpdateData", A, productId=Long, lastUpdate=DateTime)
ProductAvailabilityResult = _result(
    "ProductAvailabilityResult", A, availabilities=many(ProductAvailability), unknownIds=many(Long)
)
PerformanceAvailabilityResult = _result(
    "PerformanceAvailabilityResult",
    A,
    availabilities=many(PerformanceAvailability),
    unknownIds=many(Long),
)
EventAvailabilityResult = _result(
    "EventAvailabilityResult",
    A,
    eventAvailabilities=many(EventAvailability),
    unknownIds=many(Long),
)
SeatsAvailabilityResult = _result(
    "SeatsAvailabilityResult", A, performanceId=Long, seatCategories=many(SeatCategoryFreeSeats)
)
ThemeAndLanguageResult = _result(
    "ThemeAndLanguageResult", A, themes=many(AvailableTheme), languages=many(Unicode)
)
UpdatedAvailabilitiesResult = _result(
    "UpdatedAvailabilitiesResult", A, availabilityUpdateData=many(AvailabilityUpdateData)
)

S = SETUP_NS
SeasonsResult = _result("SeasonsResult", S, seasons=many(SeasonSummary))
SearchProductsCriteria = _type(
    "SearchProductsCriteria", S, seasonIds=many(Long), productFamilyTypes=many(Unicode)
)
ProductsResult = _result("ProductsResult", S, products=many(Product))
VatCode = _type("VatCode", S, id=Long, code=Unicode, currentRate=Long, country=Unicode)
VatCodesResult = _result("VatCodesResult", S, vatCodes=many(VatCode))
AudienceSubCategoriesResult = _result(
    "AudienceSubCategoriesResult", S, audienceSubCategories=many(AudienceSubCategory)
)
PriceLevelsResult = _result("PriceLevelsResult", S, priceLevels=many(PriceLevel))

H = ORDER_HISTORY_NS
TicketFilterCriteria = _type(
    "TicketFilterCriteria", H, productId=Long, startDate=DateTime, endDate=DateTime
)
PaginationParameter = _type("PaginationParameter", H, startPosition=Integer, maxResult=Integer)
TicketSummary = _type(
    "TicketSummary",
    H,
    ticketId=Long,
    ticketState=Unicode,
    performanceId=Long,
    seatCategoryId=Long,
    audienceSubCategoryId=Long,
    priceLevelId=Long,
    price=Long,
)
TicketsResult = _result("TicketsResult", H, truncated=Boolean, ticketSummaries=many(TicketSummary))


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


def _ids(ids):
    return [i for i in (ids or []) if i is not None]


# --- services ----------------------------------------------------------------------------------

OPTIONAL = {"min_occurs": 0}


def _opt(cls):
    return cls.customize(**OPTIONAL)


class SecutixService(ServiceBase):
    """Methods return the shared plain answer; here it becomes the method's result type, and a
    refused call (bad ids, an ApiError) that result with its statusCode: one place for all."""

    @classmethod
    def call_wrapper(cls, ctx, args=None):
        try:
            data = super().call_wrapper(ctx, args)
        except TooManyIds as exc:
            data = services.wrap({}, None, "error.ids.tooMany", str(exc))
        except InvalidIds as exc:
            data = services.wrap({}, None, "error.request.invalid", str(exc))
        except services.ApiError as exc:
            data = services.wrap({}, None, exc.code, str(exc))
        [result_cls] = ctx.descriptor.out_message._type_info.values()
        return build(result_cls, data)


def _rpc(result_cls, *params):
    return rpc(*params, _returns=result_cls, _out_variable_name=result_cls.get_type_name())


class CatalogService(SecutixService):
    @_rpc(CatalogResultDetailed, _opt(Long), _opt(Unicode))
    def getCatalogDetailed(ctx, requestId, scope):  # noqa: N802, N803
        return services.catalogue(pos_of(ctx), requestId)

    @_rpc(CatalogResult, _opt(Long))
    def getCatalog(ctx, requestId):  # noqa: N802, N803
        return services.catalogue(pos_of(ctx), requestId)

    @_rpc(LastSetupUpdateResult)
    def getLastSetupUpdate(ctx):  # noqa: N802
        return services.wrap(services.last_setup_update(pos_of(ctx)))

    @_rpc(POSConfigResult)
    def getPOSConfig(ctx):  # noqa: N802
        return services.wrap(services.pos_config(pos_of(ctx)))

    @_rpc(ServiceAliveResult)
    def isCatalogServiceAlive(ctx):  # noqa: N802
        return services.wrap()


IDS = Long(max_occurs="unbounded", min_occurs=1)
SOME_IDS = Long(max_occurs="unbounded", min_occurs=0)
REQUIRED_DATE = DateTime(min_occurs=1, nillable=False)


class AvailabilityService(SecutixService):
    @_rpc(ProductAvailabilityResult, IDS)
    def getProductAvailability(ctx, productIds):  # noqa: N802, N803
        return services.wrap(services.product_availabilities(pos_of(ctx), _ids(productIds)))

    @_rpc(PerformanceAvailabilityResult, IDS, _opt(Boolean))
    def getPerformanceAvailability(ctx, performanceIds, bySeatCategory):  # noqa: N802, N803
        return services.wrap(
            services.performance_availabilities(
                pos_of(ctx), _ids(performanceIds), bool(bySeatCategory)
            )
        )

    @_rpc(EventAvailabilityResult, Long(min_occurs=1, nillable=False), IDS)
    def getEventAvailability(ctx, pointOfSalesId, productIds):  # noqa: N802, N803
        return services.wrap(
            services.event_availability(pos_of(ctx), pointOfSalesId, _ids(productIds))
        )

    @_rpc(SeatsAvailabilityResult, Long(min_occurs=1, nillable=False), Long(min_occurs=1))
    def getSeatsAvailability(ctx, pointOfSalesId, performanceId):  # noqa: N802, N803
        return services.wrap(
            services.seats_availability(pos_of(ctx), pointOfSalesId, performanceId)
        )

    @_rpc(ThemeAndLanguageResult, _opt(Long))
    def getAvailableThemeAndLanguage(ctx, pointOfSalesId):  # noqa: N802, N803
        return services.wrap(services.available_theme_and_language(pos_of(ctx), pointOfSalesId))

    @_rpc(UpdatedAvailabilitiesResult, Long(min_occurs=1, nillable=False), SOME_IDS, REQUIRED_DATE)
    def getUpdatedAvailabilities(ctx, pointOfSalesId, productIds, referenceDate):  # noqa: N802, N803
        return services.wrap(
            services.updated_availabilities(
                pos_of(ctx), pointOfSalesId, referenceDate, _ids(productIds) or None
            )
        )


class SetupService(SecutixService):
    @_rpc(SeasonsResult)
    def listSeasons(ctx):  # noqa: N802
        return services.wrap(services.list_seasons(pos_of(ctx)))

    @_rpc(ProductsResult, _opt(SearchProductsCriteria), _opt(Unicode), _opt(Integer), _opt(Integer))
    def searchProductsByCriteria(ctx, searchProductsCriteria, granularity, minIndex, nbMaxResults):  # noqa: N802, N803
        criteria = searchProductsCriteria
        return services.wrap(
            services.search_products(
                pos_of(ctx),
                _ids(criteria.seasonIds if criteria else None) or None,
                list(criteria.productFamilyTypes or []) if criteria else None,
                minIndex,
                nbMaxResults,
            )
        )

    @_rpc(VatCodesResult)
    def listVatCodes(ctx):  # noqa: N802
        return services.wrap(services.list_vat_codes(pos_of(ctx)))

    @_rpc(AudienceSubCategoriesResult, _opt(Long))
    def listAudienceSubCategories(ctx, seasonId):  # noqa: N802, N803
        return services.wrap(services.list_audience_sub_categories(pos_of(ctx), seasonId))

    @_rpc(PriceLevelsResult, _opt(Long))
    def listPriceLevels(ctx, seasonId):  # noqa: N802, N803
        return services.wrap(services.list_price_levels(pos_of(ctx), seasonId))


class ExternalOrderHistoryService(SecutixService):
    @_rpc(TicketsResult, _opt(TicketFilterCriteria), _opt(PaginationParameter))
    def listTicketsByCriteria(ctx, ticketFilterCriteria, paginationParameter):  # noqa: N802, N803
        criteria, paging = ticketFilterCriteria, paginationParameter
        return services.wrap(
            services.list_tickets(
                pos_of(ctx),
                criteria.productId if criteria else None,
                criteria.startDate if criteria else None,
                criteria.endDate if criteria else None,
                paging.startPosition if paging else None,
                paging.maxResult if paging else None,
            )
        )


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


class DocumentTypeRefused(Exception):
    """A SOAP message must not carry a document type declaration (SOAP 1.1 §3): no DTD, so no
    entity (external files, "billion laughs") reaches spyne's parser or the schema check."""


def credentials(body):
    """(username, password) of the WS-Security UsernameToken of a SOAP envelope.

    Raises etree.XMLSyntaxError for malformed XML, DocumentTypeRefused for a DTD and
    AuthenticationFailed when it has no credentials.
    """
    try:
        root = etree.fromstring(body, parser=_SAFE_PARSER)  # entities unresolved, no network
    except etree.XMLSyntaxError:
        if b"<!DOCTYPE" in body:  # e.g. lxml's own stop on an entity amplification
            raise DocumentTypeRefused from None
        raise
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise DocumentTypeRefused
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
                environ[ACCOUNT_KEY] = authenticate_request(request, username, password)
            except etree.XMLSyntaxError:
                return fault_response("Malformed XML.")
            except DocumentTypeRefused:
                return fault_response(
                    "A SOAP message must not contain a document type declaration (DTD).",
                    status=400,
                )
            except TooManyAttempts as exc:
                response = fault_response(exc, code="Client.Authentication", status=429)
                response["Retry-After"] = str(exc.retry_after)
                return response
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
setup_view = soap_view(_application(SetupService, SETUP_NS, "SetupService"))
order_history_view = soap_view(
    _application(ExternalOrderHistoryService, ORDER_HISTORY_NS, "ExternalOrderHistoryService")
)

SERVICES = {
    "catalog": CatalogService,
    "availability": AvailabilityService,
    "setup": SetupService,
    "orderHistory": ExternalOrderHistoryService,
}


def _describe(service):
    methods = []
    for name, descriptor in sorted(service.public_methods.items()):
        parameters = {}
        for arg, arg_type in descriptor.in_message._type_info.items():
            many_ = arg_type.Attributes.max_occurs not in (1, "1")
            optional = arg_type.Attributes.min_occurs == 0
            text = arg_type.get_type_name() + (" (repeated)" if many_ else "")
            parameters[arg] = text + (", optional" if optional else "")
        result = descriptor.out_message._type_info
        methods.append({"name": name, "parameters": parameters, "result": next(iter(result), "")})
    return methods


def describe():
    """{"catalog": [...], "availability": [...], …}: the SOAP methods and their parameters."""
    return {key: _describe(service) for key, service in SERVICES.items()}


# --- JSON Schemas of the answers, from the same types (for the OpenAPI document) ---------------

_SCHEMA_TYPES = ((Boolean, {"type": "boolean"}), (Integer, {"type": "integer"}))


def _schema(cls, seen=()):
    cls = getattr(cls, "__orig__", None) or cls
    if issubclass(cls, DateTime):
        return {"type": "string", "format": "date-time"}
    if issubclass(cls, Unicode):
        return {"type": "string"}
    for spyne_type, schema in _SCHEMA_TYPES:  # Long is an Integer
        if issubclass(cls, spyne_type):
            return dict(schema)
    if not issubclass(cls, ComplexModel) or cls in seen:
        return {}
    properties = {}
    for key, field_type in cls.get_flat_type_info(cls).items():
        schema = _schema(field_type, (*seen, cls))
        if field_type.Attributes.max_occurs not in (1, "1"):
            schema = {"type": "array", "items": schema}
        properties[key] = schema
    return {
        "type": "object",
        "title": cls.get_type_name(),
        "properties": properties,
        "additionalProperties": False,
    }


def answer_schemas():
    """{method: JSON Schema of its answer}: the JSON answers have the SOAP results' shapes."""
    schemas = {}
    for service in SERVICES.values():
        for name, descriptor in service.public_methods.items():
            [result] = descriptor.out_message._type_info.values()
            schemas[name] = _schema(result)
    return schemas
