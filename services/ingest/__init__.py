"""Ingest: turns what the outside world sends into `Mention`s on `webcare.mentions.raw`."""
