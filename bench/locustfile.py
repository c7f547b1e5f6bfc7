"""Sale-day mixed load for locust (X5): visitors on the website (What's on, event pages), the
browsers' public availability endpoint, a SecuTix client's SOAP getProductAvailability, and
buyers checking out with the test card (sign in, hold one place, start the payment, pay).

Run by tests/deployment/ and bench/bench_grownup.py (headless, bounded, loopback):

    LOAD_DATA=var/…/load.json locust -f bench/locustfile.py --headless -u 20 -t 60s --host …

LOAD_DATA is the JSON tests/deployment/grownup.py writes: the website's and the ticketshop's
addresses, the event pages, product and performance ids, the buyers' sign-ins.

A hold the shop refuses (sold out, a limit) is the shop answering well, not an error: it is
counted under "checkout: hold refused". Any other unexpected answer is a failure.
"""

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["LOAD_DATA"]).read())  # noqa: SIM115 — read once at start
WEB, SHOP = DATA["web"], DATA["shop"]
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_RE = re.compile(r'<form method="post" class="category-offer">(.*?)</form>', re.S)
CATEGORY_RE = re.compile(r'name="category" value="(\d+)"')
QTY_RE = re.compile(r'name="(qty_\d+)"')
SOAP_URL = (
    f"{SHOP}/tnseb/external-remoting/"
    "com.secutix.service.realtime.availability.v1_33.AvailabilityService.webservice"
)
SOAP_BODY = """<?xml version="1.0" encoding="utf-8"?>
<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">
<soap-env:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">
<wsse:UsernameToken><wsse:Username>CUBE_WEBSITE</wsse:Username>
<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">website-demo-key</wsse:Password>
</wsse:UsernameToken></wsse:Security></soap-env:Header>
<soap-env:Body><ns0:getProductAvailability xmlns:ns0="http://v1_33.availability.realtime.service.secutix.com/">
{ids}</ns0:getProductAvailability></soap-env:Body></soap-env:Envelope>"""
BUYERS = itertools.cycle(DATA["buyers"])
# LOAD_WEIGHTS="visitor=6,soap=1,buyer=2" (the default): how the users are shared between kinds.
WEIGHTS = {
    name: int(value)
    for name, _, value in (
        item.partition("=")
        for item in os.environ.get("LOAD_WEIGHTS", "visitor=6,soap=1,buyer=2").split(",")
    )
}


class Visitor(HttpUser):
    """Browses What's on and the event pages; the page's script asks the public availability."""

    weight = WEIGHTS["visitor"]
    wait_time = between(0.2, 1.0)
    host = WEB

    @task(3)
    def whats_on(self):
        self.client.get(f"{WEB}/en/events/", name="website: what's on")

    @task(3)
    def event_page(self):
        if DATA["event_pages"]:
            self.client.get(WEB + random.choice(DATA["event_pages"]), name="website: event page")

    @task(3)
    def public_availability(self):
        ids = ",".join(map(str, DATA["products"]))
        self.client.get(
            f"{SHOP}/tnseb/public/availability?products={ids}",
            name="ticketshop: public availability",
        )


class SoapClient(HttpUser):
    """A SecuTix client (the website's own, or a partner) asking product availability."""

    weight = WEIGHTS["soap"]
    wait_time = between(0.2, 1.0)
    host = SHOP

    @task
    def product_availability(self):
        ids = "".join(f"<ns0:productIds>{i}</ns0:productIds>" for i in DATA["products"])
        with self.client.post(
            SOAP_URL,
            data=SOAP_BODY.format(ids=ids).encode(),
            headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
            name="ticketshop: SOAP getProductAvailability",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or b"Fault>" in response.content:
                response.failure(f"SOAP answered {response.status_code}: {response.text[:300]}")


class Buyer(HttpUser):
    """Signs in once, then buys one place at a time with the test card."""

    weight = WEIGHTS["buyer"]
    wait_time = between(0.2, 1.0)
    host = SHOP

    def on_start(self):
        page = self.client.get(f"{SHOP}/idp/login/", name="checkout: sign-in page")
        with self.client.post(
            f"{SHOP}/idp/login/",
            {
                "csrfmiddlewaretoken": _csrf(page.text),
                "email": next(BUYERS),
                "password": DATA["password"],
                "next": "/shop/en/cart/",
            },
            name="checkout: sign in",
            catch_response=True,
        ) as response:
            if "/shop/en/cart/" not in response.url:
                response.failure(f"sign-in ended at {response.url}")

    @task
    def buy(self):
        if not DATA["performances"]:
            return
        performance = random.choice(DATA["performances"])
        page = self.client.get(
            f"{SHOP}/shop/en/performance/{performance}/", name="checkout: performance page"
        )
        form = FORM_RE.search(page.text)
        if form is None:  # nothing on offer any more (sold out): the page says so
            return
        fields = {"csrfmiddlewaretoken": _csrf(page.text)}
        category, quantity = CATEGORY_RE.search(form.group(1)), QTY_RE.search(form.group(1))
        if category:
            fields["category"] = category.group(1)
        if quantity:
            fields[quantity.group(1)] = "1"
        with self.client.post(
            f"{SHOP}/shop/en/performance/{performance}/",
            fields,
            name="checkout: hold",
            catch_response=True,
        ) as response:
            if response.status_code == 400:  # the shop refused and said why (sold out, limit)
                response.success()
                self.environment.events.request.fire(
                    request_type="OUTCOME",
                    name="checkout: hold refused",
                    response_time=0,
                    response_length=0,
                    exception=None,
                    context={},
                )
                return
            if "/shop/en/cart/" not in response.url:
                response.failure(f"hold ended at {response.url} ({response.status_code})")
                return
            cart = response.text
        with self.client.post(
            f"{SHOP}/shop/en/cart/checkout/",
            {"csrfmiddlewaretoken": _csrf(cart), "accept_terms": "on"},
            name="checkout: start payment",
            catch_response=True,
        ) as response:
            if "/payments/testcard/pay/" not in response.url:
                response.failure(f"checkout ended at {response.url} ({response.status_code})")
                return
            pay_url, pay_page = response.url, response.text
        with self.client.post(
            pay_url,
            {"csrfmiddlewaretoken": _csrf(pay_page), "card_number": "4242 4242 4242 4242"},
            name="checkout: pay",
            catch_response=True,
        ) as response:
            if "/shop/en/order/" not in response.url:
                response.failure(f"payment ended at {response.url} ({response.status_code})")


def _csrf(html):
    found = CSRF_RE.search(html)
    return found.group(1) if found else ""
