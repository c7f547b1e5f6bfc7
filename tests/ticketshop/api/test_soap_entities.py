"""C2, C3, X3: a SOAP message with a DTD (external entities, "billion laughs", an external DTD)
is refused with a SOAP Client fault (HTTP 400) before spyne parses it: never a server error,
no file read, no network fetch, no entity expanded. The same envelope without DTD still works.
"""

import http.server
import threading
import time

import pytest
from lxml import etree

from tests.fixtures.venue import SECRET, USERNAME
from tests.ticketshop.api.test_soap import AVAILABILITY, ENVELOPE

BODY = ENVELOPE.split("?>", 1)[1]  # the envelope without its XML declaration


def post(client, xml):
    return client.post(AVAILABILITY, data=xml, content_type="text/xml; charset=utf-8")


def assert_refused(response):
    assert response.status_code == 400, response.content[:300]
    root = etree.fromstring(response.content)
    assert root.findtext(".//faultcode") == "soap:Client"
    assert "DTD" in root.findtext(".//faultstring")


def test_an_authenticated_call_still_answers_without_dtd(client, shop):
    response = post(client, ENVELOPE.format(user=USERNAME, secret=SECRET, ids=shop.concert.pk))
    assert response.status_code == 200
    assert b"indicator" in response.content


def test_an_external_entity_in_an_authenticated_body_reads_nothing(client, shop, tmp_path):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(str(shop.concert.pk) + "-SECRET-ON-DISK")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret_file}">]>'
        + BODY.format(user=USERNAME, secret=SECRET, ids="&e;")
    )
    response = post(client, xml)
    assert_refused(response)
    assert b"SECRET-ON-DISK" not in response.content


def test_billion_laughs_is_refused_at_once(client, shop):
    entities = '<!ENTITY l0 "1">' + "".join(
        f'<!ENTITY l{i} "{"&l" + str(i - 1) + ";" * 1}{("&l" + str(i - 1) + ";") * 9}">'
        for i in range(1, 10)
    )
    xml = f'<?xml version="1.0"?><!DOCTYPE x [{entities}]>' + BODY.format(
        user=USERNAME, secret=SECRET, ids="&l9;"
    )
    started = time.monotonic()
    response = post(client, xml)
    assert_refused(response)
    assert time.monotonic() - started < 5
    assert b"1111111111" not in response.content


def test_an_external_dtd_or_parameter_entity_fetches_nothing(client, shop):
    hits = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY leak "LEAKED">')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        for doctype in (
            f'<!DOCTYPE soap:Envelope SYSTEM "{url}/external.dtd">',
            f'<!DOCTYPE x [<!ENTITY % p SYSTEM "{url}/parameter.dtd"> %p;]>',
        ):
            response = post(
                client,
                '<?xml version="1.0"?>'
                + doctype
                + BODY.format(user=USERNAME, secret=SECRET, ids=1),
            )
            assert_refused(response)
            assert b"LEAKED" not in response.content
    finally:
        server.shutdown()
    assert hits == []


@pytest.mark.parametrize("user", [USERNAME, "&e;"])
def test_an_internal_entity_is_refused_too(client, shop, user):
    """Even a harmless entity: a SOAP message has no DTD, whatever it declares."""
    xml = f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "{USERNAME}">]>' + BODY.format(
        user=user, secret=SECRET, ids=1
    )
    assert_refused(post(client, xml))
