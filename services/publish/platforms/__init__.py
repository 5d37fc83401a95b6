"""One client per kind of reply channel: Mastodon, Bluesky (atproto), a webhook source."""
