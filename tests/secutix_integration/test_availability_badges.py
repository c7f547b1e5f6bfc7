"""The badges' availability (C5, C3) from SecuTix's own getProductAvailability /
getPerformanceAvailability, read from answers written after SecuTix's documentation
(tests/secutix_integration/fixtures/secutix/), and their tolerance of garbage (issue 13): an unusable
value is shown as "Availability unknown" and never cached."""

import copy
import json
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.template import Context, Template

from secutix_integration import availability, soap_client

FIXTURES = Path(__file__).parent / "fixtures" / "secutix"


def answer(name):
    return json.loads((FIXTURES / f"{name}.json").read_text())


class RecordedAvailability:
    """Stands for zeep's AvailabilityService proxy: answers the documented recordings."""

    def __init__(self):
        self.products = answer("getProductAvailability")
        self.performances = answer("getPerformanceAvailability")
        self.calls = []
        self.delay = 0

    def getProductAvailability(self, productIds):  # noqa: N802, N803
        self.calls.append(("getProductAvailability", list(productIds)))
        time.sleep(self.delay)
        return copy.deepcopy(self.products)

    def getPerformanceAvailability(self, performanceIds):  # noqa: N802, N803
        self.calls.append(("getPerformanceAvailability", list(performanceIds)))
        time.sleep(self.delay)
        return copy.deepcopy(self.performances)


@pytest.fixture
def recorded(monkeypatch):
    cache.clear()
    service = RecordedAvailability()
    asked = []

    def fake_service(name, timeout=None):
        asked.append(name)
        return service

    monkeypatch.setattr(soap_client, "_service", fake_service)
    service.asked_services = asked
    yield service
    cache.clear()


def badge(found, kind, item_id):
    return Template("{% load secutix_tags %}{% availability_badge a kind item_id %}").render(
        Context({"a": found, "kind": kind, "item_id": item_id})
    )


def test_documented_answers_are_read_in_one_call_per_method(recorded):
    found = availability.get_availabilities(
        products=[10229001, 10229002], performances=[10229101, 10229102, 10229199]
    )
    assert found == {
        ("product", 10229001): {"indicator": 2, "remaining": 7},
        ("product", 10229002): {"indicator": 1, "remaining": None},
        ("performance", 10229101): {"indicator": 3, "remaining": 0},
        ("performance", 10229102): {"indicator": 1, "remaining": 60},
    }  # 10229199 is in unknownIds: absent, so "unknown"
    assert sorted(recorded.calls) == [
        ("getPerformanceAvailability", [10229101, 10229102, 10229199]),
        ("getProductAvailability", [10229001, 10229002]),
    ]
    assert set(recorded.asked_services) == {availability.AVAILABILITY_SERVICE}
    assert availability.AVAILABILITY_SERVICE.endswith(".availability.v1_33.AvailabilityService")
    html = badge(found, "product", 10229001) + badge(found, "performance", 10229101)
    assert "availability-few-left" in html and "7 seats left" in html
    assert "availability-full" in html
    assert "Availability unknown" in badge(found, "performance", 10229199)
    # cached: the same page again asks nothing
    recorded.calls.clear()
    assert availability.get_availabilities(products=[10229001]) == {
        ("product", 10229001): {"indicator": 2, "remaining": 7}
    }
    assert recorded.calls == []


def test_more_ids_than_one_call_takes_are_split(recorded):
    availability.get_availabilities(performances=range(1, availability.MAX_IDS + 11))
    sizes = sorted(len(ids) for _method, ids in recorded.calls)
    assert sizes == [10, availability.MAX_IDS]


GARBAGE = [
    {"remaining": "7"},
    {"remaining": 7.5},
    {"remaining": -1},
    {"remaining": True},
    {"remaining": [7]},
    {"indicator": "2"},
    {"indicator": 4},
    {"indicator": None},
    {"indicator": 2.0},
    {"indicator": True},
    {"productId": "10229001"},
    {"productId": None},
]


@pytest.mark.parametrize("change", GARBAGE, ids=[repr(g) for g in GARBAGE])
def test_a_garbage_item_is_unknown_and_never_cached(recorded, change):
    recorded.products["availabilities"][0].update(change)
    found = availability.get_availabilities(products=[10229001, 10229002])
    assert ("product", 10229001) not in found
    assert found[("product", 10229002)]["indicator"] == 1  # the good item of the same answer
    assert "Availability unknown" in badge(found, "product", 10229001)
    assert cache.get("secutix:availability:product:10229001") is None
    # the next page asks again, and the repaired answer is shown
    recorded.products = answer("getProductAvailability")
    recorded.calls.clear()
    found = availability.get_availabilities(products=[10229001, 10229002])
    assert recorded.calls == [("getProductAvailability", [10229001])]
    assert found[("product", 10229001)] == {"indicator": 2, "remaining": 7}


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        "success",
        [],
        {"statusCode": "success", "availabilities": "many"},
        {"statusCode": "success", "availabilities": {"productId": 10229001}},
        {"statusCode": "error.ids.tooMany", "statusDetail": "too many"},
        {"availabilities": [{"productId": 10229001, "indicator": 1}]},  # no statusCode
        {"statusCode": "success", "availabilities": [None, 3, "x", [], {}]},
    ],
)
def test_a_garbage_answer_shows_unknown_and_caches_nothing(recorded, garbage):
    recorded.products = garbage
    found = availability.get_availabilities(products=[10229001])
    assert found == {}
    assert "Availability unknown" in badge(found, "product", 10229001)
    assert cache.get("secutix:availability:product:10229001") is None


@pytest.mark.parametrize(
    "value",
    [
        {"indicator": 1, "remaining": "x"},
        {"indicator": "1"},
        {"indicator": 9, "remaining": 1},
        "broken",
        {"indicator": 1, "remaining": 3, "extra": 1},
    ],
)
def test_a_broken_value_met_in_the_cache_is_ignored_and_asked_again(recorded, value):
    cache.set("secutix:availability:product:10229001", value, 60)
    assert "Availability unknown" in badge(
        {("product", 10229001): value}, "product", 10229001
    )  # the tag itself never raises on it
    found = availability.get_availabilities(products=[10229001])
    assert recorded.calls == [("getProductAvailability", [10229001])]
    assert found[("product", 10229001)] == {"indicator": 2, "remaining": 7}
    assert cache.get("secutix:availability:product:10229001") == {"indicator": 2, "remaining": 7}


def test_the_wait_is_bounded_for_the_whole_page(recorded, settings):
    settings.SECUTIX = {**settings.SECUTIX, "AVAILABILITY_TIMEOUT_SECONDS": 0.3}
    recorded.delay = 2
    began = time.monotonic()
    found = availability.get_availabilities(products=[10229001], performances=[10229101])
    assert time.monotonic() - began < 1.5  # both calls at once, one wait for both
    assert found == {}
    # a ticketshop that did not answer is not asked again at once
    recorded.calls.clear()
    recorded.delay = 0
    assert availability.get_availabilities(products=[10229001]) == {}
    assert recorded.calls == []


def test_the_browser_refresh_endpoint_answers_from_the_same_path(recorded, client):
    response = client.get(
        "/secutix/availability/",
        {"products": "10229001,10229002", "performances": "10229101,10229199", "lang": "fr"},
    )
    assert response.status_code == 200
    items = {(a["kind"], a["id"]): a for a in response.json()["availabilities"]}
    assert set(items) == {
        ("product", 10229001),
        ("product", 10229002),
        ("performance", 10229101),
    }  # 10229199: unknown, so absent
    assert items[("product", 10229001)]["indicator"] == 2
    assert items[("product", 10229001)]["remaining"] == 7
    assert "7" in items[("product", 10229001)]["remainingText"]
    assert items[("performance", 10229101)]["remaining"] is None  # full: no count
    assert len(recorded.calls) == 2
    # the page's own cache serves the browser: no new call
    client.get("/secutix/availability/", {"products": "10229001"})
    assert len(recorded.calls) == 2


@pytest.mark.parametrize(
    "query",
    [
        {"products": "1,x"},
        {"performances": "-3"},
        {"products": "1.5"},
        {"products": ",".join(str(i) for i in range(1, availability.MAX_IDS + 2))},
        {"products": str(2**63)},
    ],
)
def test_the_endpoint_refuses_bad_ids_and_asks_nothing(recorded, client, query):
    response = client.get("/secutix/availability/", query)
    assert response.status_code == 400 and response.json()["error"]
    assert recorded.calls == []
