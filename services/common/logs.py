"""Structured JSON logging: one line per meaningful event, `mention_id` as correlation id.

Stream stages bind the id of the mention they are handling (`mention_context`),
so every line logged meanwhile, ours or a library's, carries it without each
call site passing it.
"""

import contextlib
import json
import logging
import re
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

CURRENT_MENTION: ContextVar[str | None] = ContextVar("webcare_mention_id", default=None)

# The first `"id"` or `"mention_id"` key: receipts and events carry `mention_id` (and no
# `id`); in a mention, classified mention, routing decision and delivery the first `"id"`
# is the mention's (author ids come after it).
_MENTION_ID = re.compile(rb'"(?:mention_)?id"\s*:\s*"([^"\\]{1,300})"')


def correlation_id(value: bytes, scan_bytes: int = 8192) -> str | None:
    """The mention id in a message of any contract, without parsing it (it may be invalid)."""
    match = _MENTION_ID.search(value, 0, scan_bytes)
    return match.group(1).decode("utf-8", "replace") if match else None


@contextlib.contextmanager
def mention_context(mention_id: str | None) -> Iterator[None]:
    token = CURRENT_MENTION.set(mention_id)
    try:
        yield
    finally:
        CURRENT_MENTION.reset(token)


_STANDARD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        mention_id = CURRENT_MENTION.get()
        if mention_id is not None:
            entry.setdefault("mention_id", mention_id)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def logging_config(service: str, level: str) -> dict[str, Any]:
    """A dictConfig, so Faust's worker (which takes one) and plain processes log alike."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter, "service": service}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": sys.stderr}
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "aiokafka": {"level": "WARNING"},
            "kafka": {"level": "WARNING"},
            "faust": {"level": "WARNING"},
            "mode": {"level": "WARNING"},
            "uvicorn.access": {"level": "WARNING"},
        },
    }


def setup_logging(service: str, level: str) -> None:
    import logging.config

    logging.config.dictConfig(logging_config(service, level))
