"""The public paths of the web APIs (SecuTix's), in one place."""

CATALOG_SOAP = (
    "tnseb/external-remoting/com.secutix.service.realtime.catalog.v1_33.CatalogService.webservice"
)
AVAILABILITY_SOAP = (
    "tnseb/external-remoting/"
    "com.secutix.service.realtime.availability.v1_33.AvailabilityService.webservice"
)
SETUP_SOAP = (
    "tnseb/external-remoting/com.secutix.service.realtime.setup.v1_33.SetupService.webservice"
)
ORDER_HISTORY_SOAP = (
    "tnseb/external-remoting/"
    "com.secutix.service.realtime.externalorderhistory.v1_33.ExternalOrderHistoryService.webservice"
)
AUTH_JSON = "tnai/backend-apis/v1/auth"
JSON_SERVICE = "tnseb/backend-apis/{service}/v1_33/{method}"
PUBLIC_AVAILABILITY = "tnseb/public/availability"
REDIRECT = "api/1/redirect/"
