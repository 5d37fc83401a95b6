"""Container health check: `python -m services.common.healthcheck [SERVICE]`.

One image runs every service, so the check finds out which one it is (the
argument, else `WEBCARE_SERVICE`, else the `services.<name>` in PID 1's
command line), reads that service's settings for its metrics port and host,
and exits 0 when `/health` answers 200 there.
"""

from __future__ import annotations

import os
import re
import sys
import urllib.request
from pathlib import Path
from urllib.error import URLError

from services.common.settings import CommonSettings

SERVICES = ("ingest", "classify", "route", "notify", "history", "publish")


def service_from_cmdline(cmdline: bytes) -> str | None:
    """`python -m services.route` (NUL-separated, as in /proc/N/cmdline) -> `route`."""
    match = re.search(rb"services\.(\w+)", cmdline)
    name = match.group(1).decode() if match else None
    return name if name in SERVICES else None


def settings_of(service: str) -> CommonSettings:
    if service == "ingest":
        from services.ingest.settings import IngestSettings

        return IngestSettings()
    if service == "classify":
        from services.classify.settings import ClassifySettings

        return ClassifySettings()
    if service == "route":
        from services.route.settings import RouteSettings

        return RouteSettings()
    if service == "notify":
        from services.notify.settings import NotifySettings

        return NotifySettings()
    if service == "publish":
        from services.publish.settings import PublishSettings

        return PublishSettings()
    from services.history.settings import HistorySettings

    return HistorySettings()


def health_url(service: str) -> str:
    settings = settings_of(service)
    port = getattr(settings, "metrics_port", 0)
    host = "127.0.0.1" if settings.metrics_host in ("0.0.0.0", "") else settings.metrics_host
    return f"http://{host}:{port}/health"


def main(argv: list[str]) -> int:
    service = argv[0] if argv else os.environ.get("WEBCARE_SERVICE")
    if not service:
        cmdline = Path("/proc/1/cmdline")
        service = service_from_cmdline(cmdline.read_bytes()) if cmdline.exists() else None
    if service not in SERVICES:
        sys.stderr.write(f"healthcheck: which service? got {service!r}\n")
        return 2
    try:
        with urllib.request.urlopen(health_url(service), timeout=3) as answer:
            return 0 if answer.status == 200 else 1
    except (URLError, OSError) as err:
        sys.stderr.write(f"healthcheck: {service} unhealthy: {err}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
