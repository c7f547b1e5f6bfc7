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

    scripts/mutate.sh --report [module.py ...]
        the figures and survivors of the sessions already run (two modules can run side by
        side, each in its own copy: this gathers them in one report); runs nothing

Prints the kill ratio per module and writes var/mutate/report.md (every survivor with its diff).
A line that must not be mutated (an equivalent mutant) carries `# pragma: no mutate`.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
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
        "tests/ticketshop/sales/test_lifecycle_rules.py",
        "tests/ticketshop/payments/test_checkout.py",
        "tests/ticketshop/sales/test_money.py",
        "tests/ticketshop/sales/test_outbox_mail_down.py",
        "tests/ticketshop/shop/test_shop.py",
    ],
    "ticketshop/sales/holds.py": [
        "tests/ticketshop/sales/test_hold_rules.py",
        "tests/ticketshop/shop/test_shop.py",
        "tests/ticketshop/payments/test_checkout.py",
    ],
    "ticketshop/sales/services.py": [
        "tests/ticketshop/sales/test_tickets.py",
        "tests/ticketshop/shop/test_shop.py",
        "tests/ticketshop/payments/test_checkout.py",
        "tests/ticketshop/account/test_ticket_holders.py",
    ],
    "ticketshop/payments/services.py": [
        "tests/ticketshop/payments/test_payment_rules.py",
        "tests/ticketshop/payments/test_checkout.py",
        "tests/ticketshop/sales/test_money.py",
    ],
    # contacts/services.py is an index of the modules below since issue 14 split it by concern
    "ticketshop/contacts/links.py": [
        "tests/ticketshop/contacts/test_link_rules.py",
        "tests/ticketshop/account/test_friends.py",
        "tests/ticketshop/account/test_friends_names.py",
        "tests/ticketshop/account/test_consent.py",
        "tests/ticketshop/contacts/test_contact_rules.py",
    ],
    "ticketshop/contacts/accounts.py": [
        "tests/ticketshop/contacts/test_account_rules.py",
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
        "tests/ticketshop/idp/test_saml_settings.py",
        "tests/ticketshop/idp/test_sso.py",
        "tests/ticketshop/idp/test_saml_signatures.py",
        "tests/ticketshop/idp/test_idp_key_rotation.py",
    ],
    "secutix_integration/sso/config.py": [
        "tests/ticketshop/idp/test_saml_settings.py",
        "tests/ticketshop/idp/test_sso.py",
        "tests/ticketshop/idp/test_saml_signatures.py",
        "tests/secutix_integration/test_idp_metadata.py",
    ],
    # the catalogue import (C4, F4): its rules and the hostile answers first (a stand-in of
    # zeep's service), then the import through SOAP against the ticketshop on the live server
    "secutix_integration/importer.py": [
        "tests/secutix_integration/test_import_rules.py",
        "tests/secutix_integration/test_safe_import.py",
        "tests/secutix_integration/test_bulk_import.py",
        "tests/secutix_integration/test_catalogue_import.py",
        "tests/secutix_integration/test_import_keeps_editors_fields.py",
    ],
    # the event pages' slug per language (W5): the page model's hook the importer calls
    "secutix_integration/pages.py": [
        "tests/secutix_integration/test_translated_slugs.py",
        "tests/secutix_integration/test_safe_import.py",
    ],
    # the reseller runs (R2, R5–R7, R10): SOAP to the bundled sandbox on the live server
    "ticketshop/resellers/services.py": [
        "tests/ticketshop/resellers/test_run_rules.py",
        "tests/ticketshop/resellers/test_runs.py",
        "tests/ticketshop/resellers/test_locks.py",
    ],
    # the batch integration of the resellers' sales (R6): the same runs through the sandbox
    "ticketshop/resellers/integration.py": [
        "tests/ticketshop/resellers/test_run_rules.py",
        "tests/ticketshop/resellers/test_runs.py",
        "tests/ticketshop/resellers/test_locks.py",
    ],
    # the reseller runs' lease (one run per interface, a dead run's lease lapses); the runs
    # through the sandbox that use it (test_locks.py, test_kill_drill.py) are too slow per mutant
    "ticketshop/resellers/locks.py": [
        "tests/ticketshop/resellers/test_lock_rules.py",
    ],
}
MUTANT_TIMEOUT_SECONDS = 600

# The operators run: a "sufficient" subset (selective mutation). Cosmic-ray replaces each
# comparison by all 7 others and each arithmetic operator by all 11 others; a test that notices
# the negation and the off-by-one of a comparison (== / !=, < / <=, < / >=) notices the rest, and
# `a + b` -> `a << b` only crashes. Kept: negation and boundary of comparisons, the inverse of
# arithmetic and of `|`/`&` (Q objects), and every other operator in full (`not` added or
# removed, `and`/`or`, True/False, numbers, loops, exceptions, decorators). The others are marked
# skipped in the session (counted apart, never as killed). `--all-operators` runs them too.
SELECTED_VARIANTS = {
    "ReplaceComparisonOperator": {
        ("Eq", "NotEq"),
        ("NotEq", "Eq"),
        ("Is", "IsNot"),
        ("IsNot", "Is"),
        ("Lt", "GtE"),
        ("Lt", "LtE"),
        ("LtE", "Gt"),
        ("LtE", "Lt"),
        ("Gt", "LtE"),
        ("Gt", "GtE"),
        ("GtE", "Lt"),
        ("GtE", "Gt"),
    },
    "ReplaceBinaryOperator": {
        ("Add", "Sub"),
        ("Sub", "Add"),
        ("Mul", "Div"),
        ("Div", "Mul"),
        ("FloorDiv", "Div"),
        ("Pow", "Mul"),
        ("BitOr", "BitAnd"),
        ("BitAnd", "BitOr"),
    },
}
SAMPLE_SEED = 18


def selected(operator):
    family, _, variant = operator.split("/")[-1].partition("_")
    if family in SELECTED_VARIANTS:
        return tuple(variant.split("_")) in SELECTED_VARIANTS[family]
    if family == "ReplaceUnaryOperator":
        return variant.startswith("Delete_")  # `not x` -> `x`; not `-x` -> `~x`
    return True


def narrow(session, all_operators, sample):
    """Skip the operators outside the subset and, with `sample`, all but `sample` mutants drawn
    at random (fixed seed: the same sample again) — an estimate when time is short."""
    import random

    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    with use_db(str(session), WorkDB.Mode.open) as db:
        pending = list(db.pending_work_items)
        keep = [i for i in pending if all_operators or selected(i.mutations[0].operator_name)]
        kept = {i.job_id for i in keep}
        for item in pending:
            if item.job_id not in kept:
                db.set_result(
                    item.job_id,
                    WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output="operator not run"),
                )
        if sample and sample < len(keep):
            chosen = set(random.Random(SAMPLE_SEED).sample([i.job_id for i in keep], sample))
            for item in keep:
                if item.job_id not in chosen:
                    db.set_result(
                        item.job_id,
                        WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output="not in sample"),
                    )
        return len(pending), len(keep)


# Survivors that no test can kill because they do not change behaviour (equivalent mutants):
# (module, operator, a fragment of the original or the mutated line) -> why. The report shows the reason.
EQUIVALENT = {
    (
        "ticketshop/organisation/return_urls.py",
        "core/ReplaceComparisonOperator_NotEq_IsNot",
        "url.strip()",
    ): ("str.strip() returns the very same object when there is nothing to strip (CPython)"),
    (
        "ticketshop/sales/lifecycle.py",
        "core/AddNot",
        "if connection.features.has_select_for_update:",
    ): (
        "both branches lock the rows: on PostgreSQL an UPDATE takes the same row lock as SELECT …"
        " FOR UPDATE (it only costs a row version more); on SQLite select_for_update is a no-op"
        " and BEGIN IMMEDIATE already holds the database's write lock"
    ),
    ("ticketshop/sales/lifecycle.py", "core/ReplaceAndWithOr", "if not held and not order"): (
        "a live cart's lines are exactly its HELD places (a hold is created with its line, ends"
        " with it or with the cart, and expires with the cart), so no held place <=> no line"
    ),
    (
        "ticketshop/sales/lifecycle.py",
        "core/ReplaceComparisonOperator_Is_IsNot",
        "lock_places([p for p, perf in pairs if perf is None]",
    ): (
        "lock-only, and harmless: releasing makes places more available; without the undated"
        " product's lock a concurrent hold sees the place still taken at worst (a refusal, never"
        " an oversale), and a single-process test cannot see a lock"
    ),
    ("ticketshop/payments/services.py", "core/NumberReplacer", "token_urlsafe( 25)"): (
        "a longer reference (200 random bits instead of 192) is as unguessable; the shorter one"
        " is killed by test_payment_references_cannot_be_guessed"
    ),
    ("ticketshop/resellers/locks.py", "core/ExceptionReplacer", "except PermissionError:"): (
        "only a non-root process gets PermissionError from os.kill(pid, 0) (another user's"
        " process); run as root (this machine's runs) there is none: the signal check passes"
        " and /proc says alive. No test signals a process it did not start (a mutant of"
        " os.kill(pid, 0) sends real signals: it killed cosmic-ray itself via os.getppid())"
    ),
    (
        "ticketshop/resellers/locks.py",
        "core/ReplaceTrueWithFalse",
        "except (OSError, IndexError):\nreturn True",
    ): (
        "pid_alive's `except (OSError, IndexError): return True`: on Linux a process that"
        " answered os.kill has a readable /proc/<pid>/stat; it differs only without /proc"
        " (another OS) or when the process ended in between (then dead is right anyway)"
    ),
    (
        "ticketshop/resellers/locks.py",
        "core/ReplaceContinueWithBreak",
        "if row is None:\ncontinue",
    ): (
        "reap_interrupted's `if row is None: continue`: Run.interface is a foreign key, so an"
        " interface with a running run has its row, unless deleted between two reads"
        " (concurrently). The other `continue` (a live lease) is killed by"
        " test_the_cleanup_goes_on_past_a_live_lease_to_the_next_interface"
    ),
    ("ticketshop/resellers/locks.py", "core/ExceptionReplacer", "except (OSError, IndexError):"): (
        "as `return True` below it: a process that answered os.kill has a readable"
        " /proc/<pid>/stat on Linux, with its state after the `)`; the except only matters"
        " without /proc"
    ),
    ("ticketshop/resellers/locks.py", "core/NumberReplacer", "socket.gethostname()[:40]"): (
        "differs only for a host name over 40 characters (this machine's is shorter)"
    ),
    ("ticketshop/resellers/locks.py", "core/NumberReplacer", "secrets.token_hex(8)"): (
        "a longer random token is as unique"
    ),
    (
        "ticketshop/sales/services.py",
        "core/ReplaceAndWithOr",
        "!= holder_id or not (",
    ): (
        "only writes the buyer onto a line that had no holder, or a holder onto itself:"
        " confirm_order gives the buyer every line nobody else holds, so the tickets are the same"
    ),
    (
        "ticketshop/sales/services.py",
        "core/ExceptionReplacer",
        "except (CosmicRayTestingException, ValueError) as exc:",
    ): (
        "unreachable: the holders come from form fields (strings; empty ones are skipped) and"
        " int() of a string raises ValueError, never TypeError (the ValueError is pinned)"
    ),
    ("ticketshop/api/redirects.py", "core/RemoveDecorator", "@wraps(view)"): (
        "only the wrapper's __name__/__doc__ change; nothing reads them (URLs name the views)"
    ),
}

# The IdP's and the website's twin performance patches (ticketshop/idp/saml.py and
# secutix_integration/sso/config.py): caches around pysaml2 that change no answer.
for _side in ("ticketshop/idp/saml.py", "secutix_integration/sso/config.py"):
    EQUIVALENT.update(
        {
            (_side, "core/RemoveDecorator", "@lru_cache(maxsize="): (
                "a cache only (of `xmlsec1 --version`, or of a loaded key while its file is"
                " unchanged): without it the same answer is computed again"
            ),
            (_side, "core/NumberReplacer", "@lru_cache(maxsize="): (
                "the size of a cache only: the same answers, kept a little more or less"
            ),
            (_side, "core/ReplaceUnaryOperator_Delete_Not", '"_version_cached"'): (
                "the `xmlsec1 --version` cache patch skipped or applied again: performance only"
                " (the twin module applies it too; the in-process backend never asks the version)"
            ),
            (_side, "core/AddNot", '"_version_cached"'): (
                "the `xmlsec1 --version` cache patch skipped: performance only"
            ),
            (_side, "core/ReplaceFalseWithTrue", '"_version_cached"'): (
                "the `xmlsec1 --version` cache patch skipped: performance only"
            ),
            (_side, "core/ReplaceTrueWithFalse", "_version_cached = True"): (
                "the patch's applied-once flag: a second application wraps the same cache"
            ),
        }
    )
EQUIVALENT.update(
    {
        (
            "secutix_integration/sso/config.py",
            "core/ReplaceComparisonOperator_NotEq_Eq",
            '"_cached_import_rsa_key_from_file":',
        ): "the loaded-key cache patch skipped: each request loads the same key again",
        ("secutix_integration/sso/config.py", "core/NumberReplacer", "CONFIG_TTL_SECONDS = "): (
            "how long a parsed configuration is reused; the settings, key files and metadata"
            " are its cache key, so a change is seen at once whatever the lifetime"
        ),
        (
            "secutix_integration/sso/config.py",
            "core/ReplaceComparisonOperator_Gt_LtE",
            "cached[0]",
        ): ("a configuration parsed again instead of reused: the same configuration, slower"),
        (
            "secutix_integration/sso/config.py",
            "core/ReplaceComparisonOperator_Gt_GtE",
            "cached[0]",
        ): ("reused up to the same monotonic instant or not: no observable difference"),
    }
)

# Survivors that a test outside the module's mutation run kills (the run is SQLite, one process;
# a lock only shows under concurrency, on PostgreSQL): same keys -> which test, and why.
GUARDED_ELSEWHERE = {
    ("ticketshop/sales/lifecycle.py", "core/ReplaceUnaryOperator_Delete_Not", "if not ids:"): (
        "no place is locked any more; tests/ticketshop/sales/test_concurrency.py::"
        "test_the_performance_lock_is_what_prevents_overselling_a_quota (PostgreSQL) shows that"
        " a quota is then oversold. In this SQLite run BEGIN IMMEDIATE serialises writers anyway"
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
            # no per-test timeout: cosmic-ray's (MUTANT_TIMEOUT_SECONDS) bounds a mutant that
            # loops, and the first run builds the test database (minutes on a loaded machine)
            "-m pytest -x -q -p no:randomly -p no:cacheprovider --timeout=0",
            "--ds=tests.mutate_settings --reuse-db",
            *tests,
        ]
    )


def migrations_key():
    """The committed migrations' fingerprint: a reused test database is one of these."""
    listing = subprocess.run(
        ["git", "ls-tree", "-r", "HEAD"], cwd=PROJECT, capture_output=True, text=True, check=True
    ).stdout
    lines = [line for line in listing.splitlines() if "/migrations/" in line]
    return hashlib.sha1("\n".join(lines).encode()).hexdigest()[:12]


def environment(module):
    """Each module its own test database (two runs side by side), copied from another module's
    when one was already built for the same migrations (building one is minutes of migrations)."""
    root = OUT / "db" / migrations_key()
    db_dir = root / slug(module)
    db_dir.mkdir(parents=True, exist_ok=True)
    built = sorted(root.glob("*/mutate-test.sqlite3"))
    if not (db_dir / "mutate-test.sqlite3").exists() and built:
        shutil.copy(built[0], db_dir / "mutate-test.sqlite3")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    return {**env, "MUTATE_DB_DIR": str(db_dir), "PYTHONPATH": str(tree(module) / "site")}


def mutate(module, all_operators=False, sample=None):
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
    total, kept = narrow(session, all_operators, sample)
    print(
        f"==> {module}: {kept} of {total} mutants run"
        + (f" (a sample of {sample})" if sample and sample < kept else "")
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
        survivors = [  # (those explained as equivalent cannot be killed: not run again)
            item
            for item, result in db.completed_work_items
            if result.test_outcome == TestOutcome.SURVIVED
            and not equivalence(module, item.mutations[0].operator_name, result.diff or "")
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
        pending = db.num_work_items - db.num_results  # an interrupted session (random order)
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
        "pending": pending,
        "killed": killed,
        "incompetent": len(incompetent),
        "survivors": survivors,
        "ratio": killed / len(ran) if ran else 1.0,
        "seconds": seconds,
    }


def equivalence(module, operator, diff):
    changed = [
        line[1:].strip()
        for line in diff.splitlines()
        if line.startswith(("-", "+")) and not line.startswith(("---", "+++"))
    ]
    # a fragment of several lines is looked for in the diff with its context (one line of
    # code is not always enough to tell two mutants apart)
    body = "\n".join(
        line[1:].strip() for line in diff.splitlines() if not line.startswith(("---", "+++", "@@"))
    )
    for label, explained in (
        ("Equivalent mutant", EQUIVALENT),
        ("Guarded outside this run", GUARDED_ELSEWHERE),
    ):
        for (where, what, fragment), reason in explained.items():
            if (where, what) != (module, operator):
                continue
            if fragment in body if "\n" in fragment else any(fragment in c for c in changed):
                return f"{label}: {reason}"
    return None


def report(results, not_run):
    lines = [
        f"# Mutation testing — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "| module | mutants run | killed | of which incompetent | survived | kill ratio "
        "| not run (operator subset, sample) | not reached (interrupted) | time |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['module']} | {r['mutants']} | {r['killed']} | {r['incompetent']} "
            f"| {len(r['survivors'])} | {r['ratio']:.1%} | {r['skipped']} | {r['pending']} "
            f"| {r['seconds'] / 60:.0f} min |"
        )
    if not_run:
        lines += ["", "Not run: " + ", ".join(not_run)]
    lines += ["", "History (first run, then re-checks of the survivors after new tests):", ""]
    for r in results:
        for h in history(r["module"]):
            lines.append(
                f"- {r['module']} {h['when']} {h['kind']}: {h['ratio']:.1%} "
                f"({h['killed']}/{h['mutants']}, {h['minutes']:.0f} min)"
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
                f"{reason}." if reason else "**Not pinned: needs a test.**",
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
            f"{explained} of them explained"
            + (f"; {r['pending']} not reached" if r["pending"] else "")
            + ")"
        )
    for module in not_run:
        print(f"mutation kill ratio  {module:<36} not run")
    print(f"report: {OUT / 'report.md'}")


def history(module, result=None, kind=None):
    """The figures of every session of `module` (first run, then re-checks), kept beside it."""
    path = OUT / f"{slug(module)}.history.json"
    past = json.loads(path.read_text()) if path.exists() else []
    if result is not None:
        if kind == "run":
            past = []  # a new session: the figures start again
        past.append(
            {
                "when": f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M}",
                "kind": kind,
                "mutants": result["mutants"],
                "killed": result["killed"],
                "ratio": round(result["ratio"], 4),
                "minutes": round(result["seconds"] / 60, 1),
            }
        )
        path.write_text(json.dumps(past, indent=1))
    return past


def existing(module):
    """The figures of the last session of `module`, without running anything."""
    session = OUT / f"{slug(module)}.sqlite"
    if not session.exists():
        return None
    past = history(module)
    return summarise(module, session, sum(h["minutes"] for h in past) * 60)


def main(args):
    flags = {a for a in args if a.startswith("--")}
    modules = [a for a in args if not a.startswith("--")] or list(MODULES)
    OUT.mkdir(parents=True, exist_ok=True)
    if "--report" in flags:  # the figures of the sessions already run (e.g. side by side)
        results = [r for r in map(existing, modules) if r is not None]
        not_run = [m for m in modules if m not in {r["module"] for r in results}]
        return report(results, not_run)
    kind = "survivors" if "--survivors" in flags else "run"
    sample = next((int(f.split("=")[1]) for f in flags if f.startswith("--sample=")), None)
    results = []
    for module in modules:
        if kind == "survivors":
            results.append(recheck_survivors(module))
        else:
            results.append(mutate(module, "--all-operators" in flags, sample))
        history(module, results[-1], kind)
    report(results, [])


if __name__ == "__main__":
    main(sys.argv[1:])
