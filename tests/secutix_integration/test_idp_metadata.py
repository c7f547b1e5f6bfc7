"""S1/S2, L4: the IdP's metadata fetched over HTTP never slows page views down. A failed fetch is
remembered for a minute; a django-q2 schedule fetches the metadata again (a rotated key is
picked up without a restart)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from django.core.cache import cache

from home.demo import load_site_demo
from secutix_integration import tasks
from secutix_integration.contact_cookie import cookie_name
from secutix_integration.sso import config
from secutix_integration.sso.metadata import MetadataUnavailable

# A contact cookie the website must check with the IdP's certificate (from the metadata).
COOKIE = quote(json.dumps({"expires": 0, "additionalData": {"digest": "AAAA", "data": ""}}))


class MetadataServer:
    """Serves `self.body` (None: 503 after a slow second), counting the requests."""

    def __init__(self):
        self.body, self.requests = None, 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                server.requests += 1
                if server.body is None:
                    time.sleep(1)
                    self.send_response(503)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/samlmetadata+xml")
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/idp/metadata/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def metadata_server(db, settings, keys_dir):  # noqa: F811
    load_site_demo()
    server = MetadataServer()
    settings.SECUTIX = {
        **settings.SECUTIX,
        "KEYS_DIR": keys_dir,
        "IDP_METADATA_URL": server.url,
        "ORGANISATION_CODE": "CUBE",
        "CHANNEL_CODE": "WEB",
        "TIMEOUT_SECONDS": 3,
    }
    cache.clear()
    yield server
    server.close()
    cache.clear()


def test_metadata_down_20_page_views_cost_at_most_one_fetch(metadata_server, client):
    client.cookies[cookie_name()] = COOKIE
    for _view in range(20):
        response = client.get("/en/")
        assert response.status_code == 200
        assert response.context["stx_visitor"] is None  # not signed in, no error page
    assert metadata_server.requests <= 1
    with pytest.raises(MetadataUnavailable, match="not tried again yet"):
        config.idp_metadata_bytes()


def test_the_schedule_fetches_the_metadata_again_and_a_failure_keeps_the_last_copy(
    metadata_server,
    client,
    keys_dir,  # noqa: F811
):
    original = (keys_dir / config.IDP_METADATA).read_bytes()
    metadata_server.body = original
    assert tasks.refresh_idp_metadata() == "refreshed"
    assert metadata_server.requests == 1
    client.cookies[cookie_name()] = COOKIE
    for _view in range(5):
        assert client.get("/en/").status_code == 200
    assert metadata_server.requests == 1  # page views read the kept copy
    assert config.idp_metadata_bytes() == original
    assert "inline" in config.sp_config_dict()["metadata"]

    rotated = original + b"<!-- the next key -->"
    metadata_server.body = rotated  # the IdP publishes new metadata (a rotated key)
    assert tasks.refresh_idp_metadata() == "refreshed"
    assert config.idp_metadata_bytes() == rotated  # picked up without a restart

    metadata_server.body = None  # the IdP is down at the next refresh
    assert tasks.refresh_idp_metadata() == "failed (last good copy kept)"
    assert config.idp_metadata_bytes() == rotated


def test_a_page_that_is_not_metadata_is_a_failure(metadata_server):
    metadata_server.body = b"<html><body>Maintenance</body></html>"
    assert tasks.refresh_idp_metadata() == "failed (last good copy kept)"
    with pytest.raises(MetadataUnavailable):
        config.idp_metadata_bytes()
    assert metadata_server.requests == 1
