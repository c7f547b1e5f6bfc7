"""Mutation testing of the rule modules with cosmic-ray (`make mutate`; not in CI: slow).

Each module is mutated, one small change at a time (a comparison flipped, `or` made `and`, a
constant changed…), and the tests that guard it are run against each mutant: a mutant the tests
do not notice ("survivor") is a rule no test pins. The work happens in a fresh copy of the
committed tree under var/mutate/ (the checkout is never modified), with a file-based SQLite test
database kept between runs so that a mutant does not pay for the migrations.

    scripts/mutate.sh                       every rule module
    scripts/mutate.sh ticketshop/api/redirects.py ...   only these

    scripts/mutate.sh --survivors ticketshop/api/redirects.py
        after new tests: runs the tests of the committed tree against the last session's
        survivors only (minutes, not hours) and updates the figures

Prints the kill ratio per module and writes var/mutate/report.md (every survivor with its diff).
A line that must not be mutated (an equivalent mutant) carries `# pragma: no mutate`.
"""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
OUT = PROJECT / "var" / "mutate"
BIN = PROJECT / ".venv" / "bin"

# module -> the tests that guard its rules (fast ones: each mutant runs them)
MODULES = {
    # the booking core: the order lifecycle, the holds (reservations), the service's face
    "ticketshop/sales/lifecycle.py": [
        "tests/ticketshop/payments/test_checkout.py",
        "tests/ticketshop/sales/test_refund_emails.py",
        "tests/ticketshop/shop/test_shop.py",
        "tests/ticketshop/sales/test_tickets.py",
    ],
    "ticketshop/sales/holds.py": [
        "tests/ticketshop/shop/test_shop.py",
        "tests/ticketshop/sales/test_availability.py",
        "tests/ticketshop/payments/test_checkout.py",
    ],
    "ticketshop/sales/services.py": [
        "tests/ticketshop/sales/test_tickets.py",
        "tests/ticketshop/shop/test_shop.py",
        "tests/ticketshop/payments/test_checkout.py",
    ],
    "ticketshop/payments/services.py": [
        "tests/ticketshop/payments/test_checkout.py",
        "tests/ticketshop/sales/test_tickets.py",
    ],
    # contacts/services.py is an index of the modules below since issue 14 split it by concern
    "ticketshop/contacts/links.py": [
        "tests/ticketshop/account/test_friends.py",
        "tests/ticketshop/account/test_friends_names.py",
        "tests/ticketshop/account/test_consent.py",
        "tests/ticketshop/contacts/test_contact_rules.py",
    ],
    "ticketshop/contacts/accounts.py": [
        "tests/ticketshop/account/test_registration.py",
        "tests/ticketshop/account/test_shape.py",
        "tests/ticketshop/idp/test_signin_and_cookie.py",
    ],
    "ticketshop/organisation/return_urls.py": [
        "tests/ticketshop/api/test_return_urls.py",
        "tests/ticketshop/organisation/test_one_return_url_rule.py",
    ],
    "ticketshop/api/redirects.py": [
        "tests/ticketshop/api/test_redirects.py",
        "tests/ticketshop/api/test_return_urls.py",
        "tests/ticketshop/api/test_redirect_rules.py",
    ],
    "ticketshop/idp/saml.py": [
        "tests/ticketshop/idp/test_sso.py",
        "tests/ticketshop/idp/test_saml_signatures.py",
    ],
    "secutix_integration/sso/config.py": [
        "tests/ticketshop/idp/test_sso.py",
        "tests/ticketshop/idp/test_saml_signatures.py",
    ],
    "secutix_integration/importer.py": [
        "tests/secutix_integration/test_catalogue_import.py",
        "tests/secutix_integration/test_import_keeps_editors_fields.py",
        "tests/secutix_integration/test_safe_import.py",
    ],
}
MUTANT_TIMEOUT_SECONDS = 600

# Survivors that no test can kill because they do not change behaviour (equivalent mutants):
# (module, operator, a fragment of the original line) -> why. The report shows the reason.
EQUIVALENT = {
    (
        "ticketshop/organisation/return_urls.py",
        "core/ReplaceComparisonOperator_NotEq_IsNot",
        "url.strip()",
    ): ("str.strip() returns the very same object when there is nothing to strip (CPython)"),
    ("ticketshop/api/redirects.py", "core/RemoveDecorator", "@wraps(view)"): (
        "only the wrapper's __name__/__doc__ change; nothing reads them (URLs name the views)"
    ),
}


def slug(module):
    return module.replace("/", "_").removesuffix(".py")


def tree(module):
    """Each module is mutated in its own copy: two modules can be run side by side."""
    return OUT / "tree" / slug(module)


def fresh_tree(module):
    """The committed tree, as a fresh clone has it, with the shared virtualenv."""
    copy = tree(module)
    subprocess.run(["rm", "-rf", str(copy)], check=True)
    copy.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", "HEAD"], cwd=PROJECT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(copy)], input=archive, check=True)
    os.symlink(PROJECT / ".venv", copy / ".venv")


def test_command(tests):
    return " ".join(
        [
            str(BIN / "python"),
            "-m pytest -x -q -p no:randomly -p no:cacheprovider",
            "--ds=tests.mutate_settings --reuse-db",
            *tests,
        ]
    )


def environment(module):
    db_dir = OUT / "db" / slug(module)
    db_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    return {**env, "MUTATE_DB_DIR": str(db_dir), "PYTHONPATH": str(tree(module) / "site")}


def mutate(module):
    tests = MODULES.get(module)
    if tests is None:
        sys.exit(f"unknown module {module}; known: {', '.join(MODULES)}")
    fresh_tree(module)
    env = environment(module)
    config = OUT / f"{slug(module)}.toml"
    session = OUT / f"{slug(module)}.sqlite"
    command = test_command(tests)
    config.write_text(
        "[cosmic-ray]\n"
        f'module-path = "{module}"\n'
        f"timeout = {MUTANT_TIMEOUT_SECONDS}.0\n"
        "excluded-modules = []\n"
        f"test-command = {command!r}\n"
        '[cosmic-ray.distributor]\nname = "local"\n'
    )
    print(f"==> {module}: the tests, unmutated (also builds the reusable test database)")
    baseline = subprocess.run(
        command.split(), cwd=tree(module), env=env, capture_output=True, text=True
    )
    if baseline.returncode != 0:
        print(baseline.stdout[-3000:], baseline.stderr[-3000:])
        sys.exit(f"{module}: the tests fail without any mutant; fix them first")
    session.unlink(missing_ok=True)
    run = [str(BIN / "cosmic-ray"), "init", str(config), str(session)]
    subprocess.run(run, cwd=tree(module), env=env, check=True)
    subprocess.run(
        [str(BIN / "cr-filter-pragma"), str(session)], cwd=tree(module), env=env, check=True
    )
    started = time.monotonic()
    print(f"==> {module}: running the tests against each mutant")
    subprocess.run(
        [str(BIN / "cosmic-ray"), "exec", str(config), str(session)],
        cwd=tree(module),
        env=env,
        check=True,
    )
    return summarise(module, session, time.monotonic() - started)


def recheck_survivors(module):
    """The last session's survivors, against the tests of the committed tree (a fresh copy)."""
    from cosmic_ray.mutating import mutate_and_test
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome

    session = OUT / f"{slug(module)}.sqlite"
    if not session.exists():
        sys.exit(f"{module}: no session to re-check; run without --survivors first")
    fresh_tree(module)
    os.environ.update(environment(module))
    os.chdir(tree(module))
    command = test_command(MODULES[module])
    started = time.monotonic()
    with use_db(str(session), WorkDB.Mode.open) as db:
        survivors = [
            item
            for item, result in db.completed_work_items
            if result.test_outcome == TestOutcome.SURVIVED
        ]
        print(f"==> {module}: {len(survivors)} survivors of the last session, tested again")
        for item in survivors:
            result = mutate_and_test(item.mutations, command, MUTANT_TIMEOUT_SECONDS)
            spec = item.mutations[0]
            print(f"    line {spec.start_pos[0]} {spec.operator_name}: {result.test_outcome}")
            db.set_result(item.job_id, result)
    os.chdir(PROJECT)
    return summarise(module, session, time.monotonic() - started)


def summarise(module, session, seconds):
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    with use_db(str(session), WorkDB.Mode.open) as db:
        done = list(db.completed_work_items)
    ran = [
        (item, result) for item, result in done if result.worker_outcome != WorkerOutcome.SKIPPED
    ]
    survivors = [(i, r) for i, r in ran if r.test_outcome == TestOutcome.SURVIVED]
    incompetent = [(i, r) for i, r in ran if r.test_outcome == TestOutcome.INCOMPETENT]
    killed = len(ran) - len(survivors)
    return {
        "module": module,
        "mutants": len(ran),
        "skipped": len(done) - len(ran),
        "killed": killed,
        "incompetent": len(incompetent),
        "survivors": survivors,
        "ratio": killed / len(ran) if ran else 1.0,
        "seconds": seconds,
    }


def equivalence(module, operator, diff):
    removed = [line[1:].strip() for line in diff.splitlines() if line.startswith("- ")]
    for (where, what, fragment), reason in EQUIVALENT.items():
        if (where, what) == (module, operator) and any(fragment in line for line in removed):
            return reason
    return None


def report(results):
    lines = [
        f"# Mutation testing — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "| module | mutants | killed | of which incompetent | survived | kill ratio | time |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['module']} | {r['mutants']} | {r['killed']} | {r['incompetent']} "
            f"| {len(r['survivors'])} | {r['ratio']:.1%} | {r['seconds'] / 60:.0f} min |"
        )
    for r in results:
        lines += ["", f"## Survivors in {r['module']}", ""]
        if not r["survivors"]:
            lines.append("None.")
        for item, result in sorted(r["survivors"], key=lambda ir: ir[0].mutations[0].start_pos):
            spec = item.mutations[0]
            reason = equivalence(r["module"], spec.operator_name, result.diff or "")
            lines += [
                f"### line {spec.start_pos[0]}: {spec.operator_name} #{spec.occurrence}",
                "",
                f"Equivalent mutant: {reason}." if reason else "**Not pinned: needs a test.**",
                "",
                "```diff",
                (result.diff or "").strip(),
                "```",
                "",
            ]
    (OUT / "report.md").write_text("\n".join(lines) + "\n")
    print()
    for r in results:
        explained = sum(
            1
            for item, result in r["survivors"]
            if equivalence(r["module"], item.mutations[0].operator_name, result.diff or "")
        )
        print(
            f"mutation kill ratio  {r['module']:<36} {r['ratio']:7.1%}  "
            f"({r['killed']}/{r['mutants']} killed, {len(r['survivors'])} survived, "
            f"{explained} of them equivalent)"
        )
    print(f"report: {OUT / 'report.md'}")


def main(args):
    survivors_only = "--survivors" in args
    modules = [a for a in args if a != "--survivors"] or list(MODULES)
    OUT.mkdir(parents=True, exist_ok=True)
    run = recheck_survivors if survivors_only else mutate
    report([run(module) for module in modules])


if __name__ == "__main__":
    main(sys.argv[1:])
