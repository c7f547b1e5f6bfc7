"""A website on its own host: the product's settings without the ticketshop's TICKETSHOP block
(tests/deployment/test_two_settings_files.py proves the plugin does not need it)."""

from website.settings.dev import *  # noqa: F403

del TICKETSHOP  # noqa: F821
