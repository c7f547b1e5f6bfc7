"""The embedded default (website.settings.dev) as bench/bench_grownup.py compares it: the same
hold limit as the grown-up run (every simulated buyer comes from 127.0.0.1)."""

from website.settings.dev import *  # noqa: F403

SHOP_MAX_HOLDS_PER_HOUR = 100000
