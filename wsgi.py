"""The WSGI entry point (``gunicorn wsgi:app``)."""

import gc

from intake import create_app

app = create_app()

# What the app built at start-up (modules, templates, the mappers: some 200,000 objects) lives
# as long as the process: kept out of the collector's full passes, which otherwise scan it all
# every few thousand requests (a tenth of a second each, a fortieth of a kept page's time in
# process over 20,000 requests) and write to every page of it, undoing what a fork shares.
gc.freeze()
