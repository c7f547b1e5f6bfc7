import pytest


@pytest.fixture(autouse=True)
def _identity_settings(saml_settings):
    """Every test here runs with the IdP's keys and the IdP + account area's URLs
    (`saml_settings`, tests/fixtures/identity.py)."""
