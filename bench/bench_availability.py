"""Availability request rate for 1 and 100 ids, against a trivial Django view in the same run.

    .venv/bin/python bench/bench_availability.py

Goals: (issue 3) the public availability endpoint with 100 ids answers at least one third as
many requests per second as a trivial Django view. The public answer is kept a few seconds in
Django's cache (PUBLIC_AVAILABILITY_CACHE_SECONDS, browsers keep it 15 s anyway); the "no server
cache" rows show the cost of computing it: (issue 16, P3) 100 product ids computed uncached at
least 0.1 x the trivial view (one aggregate query whatever the number of ids; the point of
sales' settings are read from the cache, a few seconds old at most). Everything runs in-process
(Django's test client, all middleware, in-memory SQLite), so the figures compare code paths, not
a network; the rows are measured in turns (`rates`), so a shared machine's load changes the
absolute figures, not the ratios.
"""

from datetime import timedelta

from _api_setup import rates, start


def main():
    client = start()
    from tests.fixtures.venue import make_shop, sell
    from ticketshop.catalogue.models import Performance, Product
    from ticketshop.sales import availability

    shop = make_shop()
    products = [shop.concert]
    for n in range(99):
        products.append(
            Product.objects.create(
                season=shop.season,
                code=f"B{n:03d}",
                family="EVENT",
                state="RUNNING",
                name_en=f"Bench {n}",
                price_grid=shop.concert.price_grid,
            )
        )
    performances = Performance.objects.bulk_create(
        Performance(
            product=product,
            start=shop.concert_1.start + timedelta(days=day),
            duration=shop.concert_1.duration,
            state="RUNNING",
            configuration=shop.configuration,
        )
        for product in products[1:]
        for day in range(2)
    )
    for performance in performances[::3]:
        sell(performance, shop.seats[:17])
    product_ids = [p.pk for p in products]
    performance_ids = [p.pk for p in performances[:100]]
    public = "/tnseb/public/availability"

    def get(query):
        response = client.get(public, query, HTTP_ORIGIN="http://localhost:8000")
        assert response.status_code == 200, response.content
        return response

    from django.conf import settings

    def uncached(call):
        def wrapper():
            settings.TICKETSHOP["PUBLIC_AVAILABILITY_CACHE_SECONDS"] = 0
            try:
                return call()
            finally:
                settings.TICKETSHOP["PUBLIC_AVAILABILITY_CACHE_SECONDS"] = 5

        return wrapper

    rows = [
        ("trivial Django view", lambda: client.get("/bench/trivial")),
        ("public availability, 1 product", lambda: get({"products": product_ids[0]})),
        (
            "public availability, 100 products",
            lambda: get({"products": ",".join(map(str, product_ids))}),
        ),
        (
            "public availability, 100 performances",
            lambda: get({"performances": ",".join(map(str, performance_ids))}),
        ),
        (
            "public, 1 product, no server cache",
            uncached(lambda: get({"products": product_ids[0]})),
        ),
        (
            "public, 100 products, no server cache",
            uncached(lambda: get({"products": ",".join(map(str, product_ids))})),
        ),
        (
            "service only, 100 products",
            lambda: availability.product_availability(product_ids, shop.pos),
        ),
        (
            "service only, 1 product",
            lambda: availability.product_availability(product_ids[:1], shop.pos),
        ),
    ]
    results = rates(dict(rows), seconds=8.0, rounds=16)
    baseline = results["trivial Django view"]
    print(f"{'call':42} {'calls/s':>10} {'vs trivial view':>16}")
    for name, value in results.items():
        print(f"{name:42} {value:10.0f} {value / baseline:15.2f}x")
    ratio = results["public availability, 100 products"] / baseline
    verdict = "OK" if ratio >= 1 / 3 else "BELOW GOAL"
    print(f"\n100 ids vs trivial view: {ratio:.2f} (goal >= 0.33): {verdict}")
    one = results["public availability, 1 product"]
    print(f"100 ids vs 1 id: {results['public availability, 100 products'] / one:.2f}")
    cold = (
        results["public, 100 products, no server cache"]
        / results["public, 1 product, no server cache"]
    )
    print(f"100 ids vs 1 id, no server cache: {cold:.2f} (a per-id query would give ~0.01)")
    uncached = results["public, 100 products, no server cache"]
    verdict = "OK" if uncached / baseline >= 0.1 else "BELOW GOAL"
    print(
        f"100 ids computed uncached: {uncached:.0f} calls/s, {uncached / baseline:.2f} x the "
        f"trivial view (goal >= 0.1, issue 16): {verdict}"
    )


if __name__ == "__main__":
    main()
