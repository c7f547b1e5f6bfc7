"""The project as a whole: system checks, migrations, architecture contracts, admin sites."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]


def test_system_checks_pass():
    call_command("check", fail_level="WARNING", stdout=StringIO())


@pytest.mark.django_db
def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_import_contracts_hold():
    """ARCHITECTURE: the plugin never imports the ticketshop; the ticketshop knows no Wagtail."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "site")}
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and "0 broken" in result.stdout


@pytest.mark.django_db
def test_site_is_not_importable_as_a_package():
    import site

    assert not hasattr(site, "website")  # the stdlib's site module, not ours


@pytest.mark.django_db
class TestAdmins:
    def test_back_office_and_wagtail_admin_are_apart(self, client):
        back_office = client.get("/backoffice/", follow=True)
        wagtail = client.get("/admin/", follow=True)
        assert back_office.redirect_chain[-1][0].startswith("/backoffice/login/")
        assert wagtail.redirect_chain[-1][0].startswith("/admin/login/")

    def test_staff_can_use_the_back_office(self, client):
        get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-Boss-2026")
        client.login(username="boss", password="pw-Boss-2026")
        page = client.get("/backoffice/catalogue/product/")
        assert page.status_code == 200
        assert client.get("/backoffice/organisation/pointofsales/add/").status_code == 200
