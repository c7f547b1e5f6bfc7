"""X6: the plugin is a distributable Wagtail plugin. Its wheel builds from its own folder
(offline), and a brand-new Wagtail project (`wagtail start`) with that wheel installed in a fresh
virtualenv, configured as the plugin's README says, imports the bundled ticketshop's catalogue
(served by live_server) into its own pages — no file of site/ used."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "secutix_integration"


def _run(args, cwd, env=None, timeout=600):
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The plugin's wheel, built from a copy of its folder with pip, offline (no index, the
    build backend from this environment)."""
    work = tmp_path_factory.mktemp("plugin-wheel")
    source = work / "secutix_integration"
    shutil.copytree(
        PLUGIN, source, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info")
    )
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", str(source), "-w", str(work / "dist")],
        cwd=work,
    )  # fmt: skip
    [built] = (work / "dist").glob("wagtail_secutix_integration-*.whl")
    return built


def test_the_wheel_holds_the_whole_plugin(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in [
        "secutix_integration/importer.py",
        "secutix_integration/sso/metadata.py",
        "secutix_integration/sso/xmlsec_backend.py",  # its own twin of the IdP's (issue 15)
        "secutix_integration/migrations/0001_initial.py",
        "secutix_integration/migrations/0002_import_warnings_and_lock.py",
        "secutix_integration/templates/secutix_integration/import_runs.html",
        "secutix_integration/static/secutix_integration/availability.js",
        "secutix_integration/locale/fr/LC_MESSAGES/django.mo",
        "secutix_integration/locale/de/LC_MESSAGES/django.po",
        "secutix_integration/management/commands/import_catalogue.py",
        "secutix_integration/README.md",
    ]:
        assert expected in names, expected
    assert not any(name.startswith(("ticketshop/", "website/", "events/")) for name in names)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "Requires-Dist: wagtail" in text and "Requires-Dist: zeep" in text
    assert "Requires-Python: >=3.11" in text and "INSTALLED_APPS" in text  # README included


# What the plugin's README says to add to a Wagtail project, written into `wagtail start`'s.
SETTINGS = """
# --- wagtail-secutix-integration, as its README says
INSTALLED_APPS += ["secutix_integration", "django_q"]
Q_CLUSTER = {{"name": "newsite", "orm": "default", "sync": True}}
SECUTIX = {{
    "EVENT_PAGE_MODEL": "home.EventPage",
    "API_BASE_URL": {url!r},
    "API_USERNAME": {username!r},
    "API_PASSWORD": {password!r},
    "TIMEOUT_SECONDS": 30,
    "IMPORT_IN_PROGRESS_WAIT_SECONDS": 0,
}}
"""

MODEL = """

from secutix_integration.pages import AbstractEventPage


class EventPage(AbstractEventPage):
    content_panels = AbstractEventPage.content_panels + AbstractEventPage.imported_panels
"""

REPORT = """
import json, secutix_integration
from home.models import EventPage
print(json.dumps({
    "plugin": secutix_integration.__file__,
    "pages": sorted((p.product_code, p.title, p.live, p.get_parent().specific_class.__name__)
                    for p in EventPage.objects.all()),
}))
"""


@pytest.mark.slow
@pytest.mark.timeout(1200)  # a virtualenv, `wagtail start`, migrate: minutes on a busy machine
def test_a_brand_new_wagtail_project_installs_the_wheel_and_imports(
    wheel,
    ticketshop,  # noqa: F811
    tmp_path,
):
    from tests.fixtures.venue import SECRET, USERNAME

    # A fresh virtualenv that reuses this environment's packages (Django, Wagtail, zeep…) through
    # a .pth file, so nothing is downloaded; the plugin comes from the wheel alone.
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    site_packages = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp_path
        ).strip()
    )
    (site_packages / "shared-packages.pth").write_text(sysconfig.get_path("purelib") + "\n")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "VIRTUAL_ENV")
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    _run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        tmp_path,
        env,
    )

    wagtail = "import sys; from wagtail.bin.wagtail import main; sys.exit(main())"
    _run([str(python), "-c", wagtail, "start", "newsite"], cwd=tmp_path, env=env)
    project = tmp_path / "newsite"
    with open(project / "newsite" / "settings" / "base.py", "a") as settings_file:
        settings_file.write(SETTINGS.format(url=ticketshop.url, username=USERNAME, password=SECRET))
    with open(project / "home" / "models.py", "a") as models_file:
        models_file.write(MODEL)
    manage = [str(python), "manage.py"]
    _run([*manage, "makemigrations", "home"], project, env)
    _run([*manage, "migrate", "--no-input"], project, env)
    output = _run([*manage, "import_catalogue"], project, env)
    assert "created 3" in output, output
    report = json.loads(_run([*manage, "shell", "-c", REPORT], project, env).splitlines()[-1])

    assert report["plugin"].startswith(str(venv))  # the wheel's copy, not this checkout's
    # the demo catalogue's products on sale (concert, suspended, pass), under the new site's home
    assert [(code, live, parent) for code, _title, live, parent in report["pages"]] == [
        ("CONCERT", True, "HomePage"),
        ("PASS", True, "HomePage"),
        ("SUSP", True, "HomePage"),
    ], report
    again = _run([*manage, "import_catalogue"], project, env)
    assert "has not changed" in again
