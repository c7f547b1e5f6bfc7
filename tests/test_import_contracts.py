"""Issue 14: the import-linter contracts in pyproject.toml hold, and each one would break on a
planted violation (so none of them is vacuous). The graph is built once by grimp, as
`lint-imports` builds it; a planted import is added to a copy and the contract checked again."""

import copy
from pathlib import Path

import grimp
import pytest
from importlinter import configuration
from importlinter.application.use_cases import (
    _register_built_in_contract_types,
    read_user_options,
)
from importlinter.domain.contract import registry

ROOT = Path(__file__).resolve().parents[1]

# (contract id, importer, imported): one import each contract forbids.
PLANTED = [
    ("plugin-not-ticketshop", "secutix_integration.importer", "ticketshop.catalogue.models"),
    ("ticketshop-alone", "ticketshop.sales.services", "wagtail"),
    ("ticketshop-alone", "ticketshop.catalogue.models", "events.models"),
    ("plugin-not-site", "secutix_integration.importer", "home.models"),
    ("plugin-not-site", "secutix_integration.pages", "events.models"),
    ("site-not-ticketshop", "home.models", "ticketshop.contacts.models"),
    ("site-not-ticketshop", "events.models", "ticketshop.catalogue.models"),
    ("ticketshop-layers", "ticketshop.organisation.models", "ticketshop.catalogue.models"),
    ("ticketshop-layers", "ticketshop.catalogue.models", "ticketshop.contacts.models"),
    ("ticketshop-layers", "ticketshop.contacts.services", "ticketshop.sales.models"),
    ("ticketshop-layers", "ticketshop.sales.services", "ticketshop.payments.services"),
    ("ticketshop-layers", "ticketshop.payments.services", "ticketshop.shop.views"),
    ("models-not-services", "ticketshop.catalogue.models", "ticketshop.catalogue.services"),
    ("models-not-services", "ticketshop.contacts.models", "ticketshop.account.views"),
    ("ticketshop-acyclic", "ticketshop.catalogue.models", "ticketshop.catalogue.services"),
    ("ticketshop-acyclic", "ticketshop.contacts.numbering", "ticketshop.contacts.models"),
    ("sandbox-not-ticketshop", "reseller_sandbox.soap", "ticketshop.api.soap"),
    ("sandbox-not-ticketshop", "reseller_sandbox.models", "ticketshop.sales.models"),
    ("sandbox-not-ticketshop", "reseller_sandbox.operations", "secutix_integration.importer"),
    ("ticketshop-not-sandbox", "ticketshop.api.soap", "reseller_sandbox.soap"),
    ("ticketshop-not-sandbox", "ticketshop.sales.models", "reseller_sandbox.models"),
    ("plugin-site-not-sandbox", "secutix_integration.importer", "reseller_sandbox.models"),
    ("plugin-site-not-sandbox", "home.models", "reseller_sandbox.operations"),
]


@pytest.fixture(scope="module")
def options():
    configuration.configure()  # as the lint-imports command does
    return read_user_options(str(ROOT / "pyproject.toml"))


@pytest.fixture(scope="module")
def graph(options):
    session = options.session_options
    return grimp.build_graph(
        *session["root_packages"],
        include_external_packages=session.get("include_external_packages", False),
        cache_dir=None,
    )


def contract(options, contract_id):
    _register_built_in_contract_types()
    (contract_options,) = [c for c in options.contracts_options if c.get("id") == contract_id]
    return registry.get_contract_class(contract_options["type"])(
        name=contract_options["name"],
        session_options=options.session_options,
        contract_options=contract_options,
    )


def test_every_root_package_is_checked(options):
    assert set(options.session_options["root_packages"]) == {
        "ticketshop",
        "secutix_integration",
        "website",
        "home",
        "events",
        "reseller_sandbox",
    }


def test_every_contract_is_kept(options, graph):
    ids = [c["id"] for c in options.contracts_options]
    assert {contract_id for contract_id, *_rest in PLANTED} == set(ids)
    for contract_id in ids:
        check = contract(options, contract_id).check(copy.deepcopy(graph), verbose=False)
        assert check.kept, contract_id


@pytest.mark.parametrize(("contract_id", "importer", "imported"), PLANTED)
def test_a_planted_violation_breaks_the_contract(options, graph, contract_id, importer, imported):
    planted = copy.deepcopy(graph)
    assert importer in planted.modules  # a real module, so the plant means something
    planted.add_import(importer=importer, imported=imported, line_number=1, line_contents="planted")
    check = contract(options, contract_id).check(planted, verbose=False)
    assert not check.kept


KNOWN_VIEW_IMPORTS = set()


def is_view_module(name):
    last = name.rsplit(".", 1)[-1]
    return last == "views" or last.endswith("_views")


def test_no_module_imports_a_view_module(graph):
    """Views are entry points: only URLconfs import them (shared helpers live elsewhere)."""
    offending = set()
    for module in graph.modules:
        if not module.startswith("ticketshop.") or not is_view_module(module):
            continue
        for importer in graph.find_modules_that_directly_import(module):
            if importer.rsplit(".", 1)[-1] != "urls":
                offending.add((importer, module))
    assert offending <= KNOWN_VIEW_IMPORTS, sorted(offending - KNOWN_VIEW_IMPORTS)
