"""Break important rules on purpose, one at a time, and show which test fails (issue 18).

Each breakage is a one-line change applied to a throw-away copy of the committed tree (the
checkout itself is never touched); the tests named with it must then FAIL. Prints one line per
breakage: the breakage, the tests run, and whether they caught it.

    .venv/bin/python scripts/breakages.py [NAME ...]     (nice it: it runs pytest per breakage)
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

# name: (file, original text, broken text, tests that must fail)
BREAKAGES = {
    "friends-or-becomes-and": (
        "ticketshop/contacts/links.py",
        "if normalise_name(child.first_name) != normalise_name(first_name) or normalise_name(",
        "if normalise_name(child.first_name) != normalise_name(first_name) and normalise_name(",
        ["tests/ticketshop/account/test_friends_names.py"],
    ),
    "return-url-userinfo-as-host": (
        "ticketshop/organisation/return_urls.py",
        'host = (parts.hostname or "").lower()',
        'host = parts.netloc.split("@")[0].split(":")[0].lower()',
        ["tests/ticketshop/api/test_return_urls.py"],
    ),
    "sp-want-assertions-signed-false": (
        "secutix_integration/sso/config.py",
        '"want_assertions_signed": True,',
        '"want_assertions_signed": False,',
        ["tests/ticketshop/idp/test_saml_signatures.py"],
    ),
    "sp-want-response-signed-false": (
        "secutix_integration/sso/config.py",
        '"want_response_signed": True,',
        '"want_response_signed": False,',
        ["tests/ticketshop/idp/test_saml_signatures.py"],
    ),
    "idp-want-authn-requests-signed-false": (
        "ticketshop/idp/saml.py",
        '"want_authn_requests_signed": True,',
        '"want_authn_requests_signed": False,',
        ["tests/ticketshop/idp/test_saml_signatures.py"],
    ),
    "importer-writes-teaser-image": (
        "secutix_integration/importer.py",
        '        "withdrawn_by_import": False,\n    }',
        '        "withdrawn_by_import": False,\n        "teaser_image": None,\n    }',
        ["tests/secutix_integration/test_import_keeps_editors_fields.py"],
    ),
    "expiry-schedule-path-typo": (
        "ticketshop/sales/tasks.py",
        'RELEASE_TASK = "ticketshop.sales.tasks.release_expired_holds"',
        'RELEASE_TASK = "ticketshop.sales.tasks.release_expired_hold"',
        ["tests/test_schedules.py"],
    ),
    # not one of the six: a lost timeout bound must FAIL its test (pytest-timeout), not hang it
    "soap-timeout-lost": (
        "secutix_integration/soap_client.py",
        "Transport(session=session, timeout=timeout, operation_timeout=timeout)",
        "Transport(session=session, timeout=None, operation_timeout=None)",
        [
            # the suite's is 300 s, fixtures included; here 30 s on the test function only,
            # to show it sooner (creating the test database alone can take a minute)
            "-o",
            "timeout=30",
            "-o",
            "timeout_func_only=true",
            "tests/secutix_integration/test_catalogue_import.py::"
            "test_a_failed_run_changes_nothing_and_says_why[ticketshop hangs]",
        ],
    ),
}


def copy_tree(destination):
    archive = subprocess.run(
        ["git", "archive", "HEAD"], cwd=PROJECT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(destination)], input=archive, check=True)
    os.symlink(PROJECT / ".venv", destination / ".venv")


def run(name, workdir):
    path, original, broken, tests = BREAKAGES[name]
    target = workdir / path
    text = target.read_text()
    assert text.count(original) == 1, f"{name}: the original line is not in {path}"
    target.write_text(text.replace(original, broken))
    try:
        env = {**os.environ, "PYTHONPATH": str(workdir / "site")}
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
            + tests,
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
        )
    finally:
        target.write_text(text)
    failed = [
        line.split(" ", 1)[1] for line in result.stdout.splitlines() if line.startswith("FAILED")
    ]
    caught = result.returncode != 0 and failed
    print(f"{name}: {'CAUGHT' if caught else 'NOT CAUGHT'} by {', '.join(tests)}")
    for line in failed:
        print(f"    FAILED {line}")
    if not caught:
        print(result.stdout[-2000:], result.stderr[-2000:])
    sys.stdout.flush()
    return bool(caught)


def main(names):
    names = names or list(BREAKAGES)
    with tempfile.TemporaryDirectory(prefix="breakages-") as tmp:
        workdir = Path(tmp)
        copy_tree(workdir)
        results = [run(name, workdir) for name in names]
    print(f"{sum(results)}/{len(results)} breakages caught")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
