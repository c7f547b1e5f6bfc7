"""SecuTix-shaped answers (v1_33 getCatalogDetailed) built in code, and a stand-in for zeep's
service proxy that serves them: for the import's hostile-answer tests and races."""

import datetime as dt
import itertools

_setup_updates = itertools.count(1)


def text(value, **others):
    return {
        "translations": [{"locale": "en", "value": value}]
        + [{"locale": locale, "value": v} for locale, v in others.items()]
    }


def product(number, code=None, name=None, venue="The CUBE", performances=2):
    start = dt.datetime(2030, 1, 1, 20, tzinfo=dt.UTC) + dt.timedelta(days=number)
    return {
        "id": 50_000 + number,
        "code": f"P{number:04d}" if code is None else code,
        "productFamilyType": "SINGLE_ENTRY",
        "state": "RUNNING",
        "externalName": text(name or f"Show {number}", fr=f"Spectacle {number}"),
        "event": {
            "performances": [
                {
                    "id": 900_000 + number * 100 + index,
                    "start": (start + dt.timedelta(hours=index)).isoformat(),
                    "duration": 5400,
                    "state": "RUNNING",
                    "site": {"externalName": text(venue)},
                    "seatCategories": [{"id": 7, "code": "CAT1", "externalName": text("Cat 1")}],
                    "prices": [{"seatCatId": 7, "amount": 25_000}],
                }
                for index in range(performances)
            ]
        },
        "salesPeriods": [
            {"start": "2026-01-01T00:00:00+00:00", "end": "2031-01-01T00:00:00+00:00"}
        ],
    }


def catalogue(products):
    return {
        "seasons": [{"id": 1, "code": "S30", "externalName": text("2030"), "products": products}]
    }


class Service:
    """Stands for zeep's service proxy: answers `self.catalogue` (a catalogData, or None for a
    success without seasons), each answer a new catalogue version."""

    def __init__(self, catalogue_data, before_catalogue=None):
        self.catalogue = catalogue_data
        self.before_catalogue = before_catalogue or (lambda: None)

    def getLastSetupUpdate(self):  # noqa: N802
        version = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
            seconds=next(_setup_updates)
        )
        return {"statusCode": "success", "requestId": 1, "lastSetupUpdate": version.isoformat()}

    def getPOSConfig(self):  # noqa: N802
        return {"statusCode": "success", "requestId": 2, "posConfigData": {"currencyCode": "EUR"}}

    def getCatalogDetailed(self, requestId=None):  # noqa: N802, N803
        self.before_catalogue()
        return {"statusCode": "success", "requestId": 3, "catalogData": self.catalogue}
