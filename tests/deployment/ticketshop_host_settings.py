"""A ticketshop on its own host: the product's settings without the plugin's SECUTIX block
(tests/deployment/test_two_settings_files.py proves the ticketshop does not need it)."""

from website.settings.dev import *  # noqa: F403

del SECUTIX  # noqa: F821
