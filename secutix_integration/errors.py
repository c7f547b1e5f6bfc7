"""The importer's errors, apart so that the importer and its bulk writer can both raise them."""


class BadProduct(Exception):
    """One product the pages cannot hold: skipped and reported, the others imported."""
