#!/usr/bin/env python
"""Django's command-line utility for The CUBE's website and ticketshop."""

import os
import sys
from pathlib import Path

# site/ holds the website's packages; it cannot be a package itself (the stdlib owns `site`).
sys.path.insert(0, str(Path(__file__).resolve().parent / "site"))


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
