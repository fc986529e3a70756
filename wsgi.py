"""The WSGI entry point (``gunicorn wsgi:app``)."""

import gc

from intake import create_app

app = create_app()

# What the app built at start-up (modules, templates, the mappers: some 200,000 objects) lives
# as long as the process: collected once, what is left is kept out of the collector's full
# passes, which otherwise scan it all (a tenth of a second each; in process, one came every
# ~20,000 requests, 2 % of a kept page's time). A worker recycled by --max-requests (the
# deployment's 2,000) seldom reaches one: the gain is for workers that live long.
gc.collect()
gc.freeze()
