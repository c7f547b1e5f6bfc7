"""The reseller interfaces' settings (R1–R10), read from `settings.RESELLERS` with defaults, so
the embedded default needs nothing."""

from django.conf import settings

DEFAULTS = {
    "SOAP_TIMEOUT": 10,  # seconds, connection and whole operation (zeep's transport)
    "CASCADE_HOURS": 24,  # no export while the last sales integration is older (R10)
    # A run's lock on its interface is a lease of LOCK_SECONDS renewed every HEARTBEAT_SECONDS
    # while the run progresses (locks.py); a holder dead on this host loses it at once.
    "LOCK_SECONDS": 300,
    "HEARTBEAT_SECONDS": 30,
    "ACCESS_TIMEOUT": 5,  # seconds: the scan check asks the reseller's GetCtrlAcces (R6)
    "EXPORT_MINUTES": 24 * 60,  # the schedules (R5)
    "INTEGRATE_MINUTES": 4 * 60,
    "REALTIME_BASKET_MINUTES": 10,  # a real-time reseller's hold lasts this long (R9)
    "REALTIME_MAX_PLACES": 20,
    # seconds: the reconciliation reads a real-time reseller's own sales records (R11)
    "REALTIME_SALES_TIMEOUT": 30,  # places in one real-time basket at most
    "INTEGRATION_BATCH": 500,  # sales of one performance written per transaction (R6, P6)
}


def get(name):
    return getattr(settings, "RESELLERS", {}).get(name, DEFAULTS[name])
