"""Serve the review app with waitress, a production WSGI server (several threads, one process)."""

from __future__ import annotations

import logging

from ..config import Config
from .app import create_app, secret_key

logger = logging.getLogger(__name__)

THREADS = 4


def serve(config: Config, *, host: str, port: int) -> None:
    """Run the review app until interrupted; port 0 picks a free port (printed)."""
    from waitress import create_server

    app = create_app(config, secret=secret_key(config), warm_previews=True)
    # waitress logs a refused or broken request on "waitress"; the CLI's log level applies to it too.
    server = create_server(app, host=host, port=port, threads=THREADS)
    print(f"review app on http://{host}:{getattr(server, 'effective_port', port)}/ (Ctrl-C stops it)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        app.extensions["weeklydigest.previews"].close()
