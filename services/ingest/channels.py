"""The connectors an organisation's `sources:` section asks for."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from services.common.organisation import Organisation, load_organisation_or_exit
from services.ingest.connectors import Backoff, Connector
from services.ingest.settings import IngestSettings
from services.ingest.signatures import MissingSecret, WebhookAuth, load_auth
from services.ingest.sources.bluesky_connector import JetstreamConnector
from services.ingest.sources.feed_connector import FeedConnector
from services.ingest.sources.mastodon_connector import MastodonConnector

log = logging.getLogger(__name__)


def own_identities(org: Organisation) -> list[str]:
    """Handles and platform ids whose posts are the organisation's own (`from_organisation`)."""
    return [*org.handles, *org.sources.own_ids()]


def configured_identities() -> list[str]:
    """`own_identities` of the organisation ingest is configured with (WEBCARE_ORGANISATION_CONFIG),
    for the commands (`webcare replay`, `parse`) that run outside the service."""
    return own_identities(load_organisation_or_exit(IngestSettings().organisation_config))


def build_connectors(org: Organisation, backoff: Backoff) -> Sequence[Connector]:
    handles = own_identities(org)
    connectors: list[Connector] = []
    connectors += [MastodonConnector(s, handles, backoff) for s in org.sources.mastodon]
    connectors += [JetstreamConnector(s, handles, backoff) for s in org.sources.bluesky]
    connectors += [FeedConnector(s, handles, backoff) for s in org.sources.feeds]
    return connectors


def webhook_auth_or_exit(org: Organisation, settings: IngestSettings) -> WebhookAuth:
    """The webhook's sources and secrets; a missing secret stops the service with its name."""
    try:
        auth = load_auth(
            org.sources.webhooks,
            tolerance_s=settings.signature_tolerance_s,
            capacity=settings.signature_memory,
        )
    except MissingSecret as err:
        raise SystemExit(f"webcare: invalid organisation config: {err}") from err
    for source in auth.unsigned_sources():
        log.warning(
            "webhook source accepted unsigned: anyone who reaches ingest may post under it",
            extra={"source": source},
        )
    return auth
