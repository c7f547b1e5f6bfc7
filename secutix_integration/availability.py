"""Live availability for the website's badges (C5): one batched call, a short cache, a bounded wait.

Asks the ticketshop's public availability endpoint (JSON over HTTP) for every product and
performance a page shows at once. Items already in the cache are not asked again. If the
ticketshop is slow or down, the page still renders: those badges say "unknown".
"""

import logging

import requests
from django.core.cache import cache

from secutix_integration import conf

logger = logging.getLogger(__name__)

DOWN_KEY = "secutix:availability:down"
DOWN_SECONDS = 10


def _key(kind, item_id):
    return f"secutix:availability:{kind}:{item_id}"


def _fetch(products, performances):
    params = {}
    if products:
        params["products"] = ",".join(map(str, products))
    if performances:
        params["performances"] = ",".join(map(str, performances))
    response = requests.get(
        conf.public_availability_url(),
        params=params,
        timeout=float(conf.get("AVAILABILITY_TIMEOUT_SECONDS")),
    )
    response.raise_for_status()
    answer = response.json()
    found = {}
    for kind, id_field in (("product", "productId"), ("performance", "performanceId")):
        section = answer.get(f"{kind}s") or {}
        if section and section.get("statusCode") != "success":
            raise ValueError(f"{kind} availability answered {section.get('statusCode')}")
        for item in section.get("availabilities") or []:
            indicator = item.get("indicator")
            if indicator in (1, 2, 3):
                found[(kind, int(item[id_field]))] = {
                    "indicator": indicator,
                    "remaining": item.get("remaining"),
                }
    return found


def get_availabilities(products=(), performances=()):
    """{(kind, id): {"indicator": 1|2|3, "remaining": n|None}} for what the ticketshop knows."""
    wanted = [("product", int(i)) for i in products] + [
        ("performance", int(i)) for i in performances
    ]
    if not wanted:
        return {}
    cached = cache.get_many([_key(*item) for item in wanted])
    result = {item: cached[_key(*item)] for item in wanted if _key(*item) in cached}
    missing = [item for item in wanted if item not in result]
    if not missing or cache.get(DOWN_KEY):
        return result
    try:
        fetched = _fetch(
            sorted({i for kind, i in missing if kind == "product"}),
            sorted({i for kind, i in missing if kind == "performance"}),
        )
    except (requests.RequestException, ValueError, TypeError, KeyError, AttributeError) as error:
        logger.warning("Availability unknown, the ticketshop did not answer well: %s", error)
        cache.set(DOWN_KEY, True, DOWN_SECONDS)
        return result
    cache.set_many(
        {_key(*item): value for item, value in fetched.items()},
        int(conf.get("AVAILABILITY_CACHE_SECONDS")),
    )
    return {**result, **fetched}
