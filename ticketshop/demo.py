"""The demo venue, for callers outside the layers: `load_demo_venue` runs each app's part (see
`ticketshop.organisation.demo`); `manage.py load_demo_venue` is the way to call it."""

from ticketshop.organisation.demo import (  # noqa: F401
    DEFAULT_PATH,
    DemoDataError,
    load_demo_venue,
    read_demo_data,
)
