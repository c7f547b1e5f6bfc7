"""The reseller interfaces' settings (R1–R10), read from `settings.RESELLERS` with defaults, so
the embedded default needs nothing."""

from django.conf import settings

DEFAULTS = {
    "SOAP_TIMEOUT": 10,  # seconds, connection and whole operation (zeep's transport)
    "CASCADE_HOURS": 24,  # no export while the last sales integration is older (R10)
    "LOCK_MINUTES": 30,  # a run's lock on its interface is considered stale after this
    "EXPORT_MINUTES": 24 * 60,  # the schedules (R5)
    "INTEGRATE_MINUTES": 4 * 60,
    "INTEGRATION_BATCH": 500,  # sales of one performance written per transaction (R6, P6)
}


def get(name):
    return getattr(settings, "RESELLERS", {}).get(name, DEFAULTS[name])
