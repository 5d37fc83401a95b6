"""Platform parsers and connectors.

Each parser (`mastodon`, `bluesky`, `feeds`, `webhook`) is a pure module:
bytes as the platform sends them in, `Parsed` out, never an exception. Each
record that is not a usable mention becomes a `Rejection` with a short reason,
so one broken item in a feed or a stream never takes its neighbours down.
Connectors (`*_connector.py`) do the network part and hand the bytes to a
parser.
"""

from services.ingest.sources.base import Parsed, Rejection

__all__ = ["Parsed", "Rejection"]
