"""P3: no stampede when the public availability's cached answer expires under load — one
recompute per key while the other requests wait for it; without a cache everyone computes."""

import threading
import time

from django.core.cache import cache

from ticketshop.api import json_views


def _race(monkeypatch, settings, callers=8, seconds=5):
    settings.TICKETSHOP = {**settings.TICKETSHOP, "PUBLIC_AVAILABILITY_CACHE_SECONDS": seconds}
    cache.clear()
    computed = []

    def slow_answer(pos, products, performances):
        computed.append(threading.get_ident())
        time.sleep(0.3)  # a recompute under load
        return {"products": {"statusCode": "success", "availabilities": []}}

    monkeypatch.setattr(json_views, "current_point_of_sales", lambda **kwargs: object())
    monkeypatch.setattr(json_views, "allowed_hosts", lambda pos: {"www.example.org"})
    monkeypatch.setattr(json_views.services, "public_availabilities", slow_answer)
    answers, start = [], threading.Barrier(callers)

    def visitor():
        start.wait()
        answers.append(json_views._public_entry([1, 2, 3], []))

    threads = [threading.Thread(target=visitor) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return computed, answers


def test_one_recompute_per_key_when_the_cache_expires(monkeypatch, settings):
    computed, answers = _race(monkeypatch, settings)
    assert len(computed) == 1
    assert len(answers) == 8 and all(a == answers[0] for a in answers)
    assert answers[0]["hosts"] == ["www.example.org"]


def test_without_the_server_cache_each_request_computes(monkeypatch, settings):
    computed, answers = _race(monkeypatch, settings, callers=3, seconds=0)
    assert len(computed) == 3 and len(answers) == 3
