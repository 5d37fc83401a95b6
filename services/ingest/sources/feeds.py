"""RSS 2.0 and Atom (RFC 4287) feed documents: one mention per item/entry.

Feeds come from blogs and news sites that write about the organisation. XML
is parsed with defusedxml, so entity-expansion bombs and external entities in
a hostile feed are refused, not expanded. Dedupe is by `guid` (RSS) or `id`
(Atom), falling back to the link; ids longer than the contract allows are
replaced by a hash of themselves, which is just as stable.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from xml.etree.ElementTree import Element, ParseError, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from services.ingest.normalise import IncomingMention
from services.ingest.sources.base import Parsed, RecordError, incoming

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
MAX_ID = 200


def _text(element: Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def stable_id(value: str) -> str:
    value = value.strip()
    if len(value) <= MAX_ID and value.isprintable():
        return value
    return "sha256-" + hashlib.sha256(value.encode()).hexdigest()


def _rfc822(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _body(title: str, html: str) -> str:
    return f"<p>{_escape(title)}</p>{html}" if title else html


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rss_item(item: Element, channel: dict[str, str], source: str) -> IncomingMention:
    guid = _text(item.find("guid")) or _text(item.find("link"))
    if not guid:
        raise RecordError("invalid_record", "item: neither guid nor link")
    published = _rfc822(_text(item.find("pubDate")))
    if published is None:
        raise RecordError("invalid_record", "item.pubDate: not an RFC 822 date")
    creator = _text(item.find(DC_CREATOR)) or _text(item.find("author"))
    html = _text(item.find(CONTENT)) or _text(item.find("description"))
    return incoming(
        {
            "source": source,
            "external_id": stable_id(guid),
            "author": {
                "id": stable_id(channel["link"] or channel["title"] or "feed"),
                "handle": creator or channel["title"] or channel["link"],
                "display_name": channel["title"] or None,
                "profile_url": channel["link"] or None,
            },
            "text": _body(_text(item.find("title")), html),
            "html": True,
            "created_at": published,
            "url": _text(item.find("link")) or None,
            "lang": channel["lang"] or None,
        }
    )


def _atom_link(element: Element) -> str:
    for link in element.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href", "")
    return ""


def _atom_content(entry: Element) -> str:
    for tag in ("content", "summary"):
        element = entry.find(f"{ATOM}{tag}")
        if element is None:
            continue
        kind = element.get("type", "text")
        if kind == "xhtml":
            # Inline XHTML: its text is what a reader sees (markup is dropped).
            return _escape(_text(element))
        if kind == "html":
            return element.text or ""
        return _escape(element.text or "")
    return ""


def atom_entry(entry: Element, feed: dict[str, str], source: str) -> IncomingMention:
    entry_id = _text(entry.find(f"{ATOM}id")) or _atom_link(entry)
    if not entry_id:
        raise RecordError("invalid_record", "entry: neither id nor link")
    published = _text(entry.find(f"{ATOM}published")) or _text(entry.find(f"{ATOM}updated"))
    updated = _text(entry.find(f"{ATOM}updated"))
    author = entry.find(f"{ATOM}author")
    name = _text(author.find(f"{ATOM}name")) if author is not None else ""
    uri = _text(author.find(f"{ATOM}uri")) if author is not None else ""
    return incoming(
        {
            "source": source,
            "external_id": stable_id(entry_id),
            "author": {
                "id": stable_id(uri or feed["link"] or feed["title"] or "feed"),
                "handle": name or feed["title"] or feed["link"],
                "display_name": name or feed["title"] or None,
                "profile_url": uri or feed["link"] or None,
            },
            "text": _body(_text(entry.find(f"{ATOM}title")), _atom_content(entry)),
            "html": True,
            "created_at": published or None,
            "edited_at": updated if updated and published and updated != published else None,
            "url": _atom_link(entry) or None,
            "lang": entry.get("{http://www.w3.org/XML/1998/namespace}lang") or feed["lang"],
        }
    )


def _document(raw: bytes) -> Element:
    try:
        return fromstring(raw)
    except (ParseError, DefusedXmlException, ValueError) as err:
        raise RecordError("invalid_xml", str(err)[:500]) from err


def parse_feed(raw: bytes, source: str) -> Parsed:
    """Every item of an RSS 2.0 or Atom document; `source` names the feed kind in ids."""
    parsed = Parsed()
    try:
        root = _document(raw)
    except RecordError as err:
        return parsed.reject(err.reason, err.detail, raw)
    if root.tag == f"{ATOM}feed":
        meta = {
            "title": _text(root.find(f"{ATOM}title")),
            "link": _atom_link(root),
            "lang": root.get("{http://www.w3.org/XML/1998/namespace}lang") or "",
        }
        records: list[tuple[Element, Any]] = [(e, atom_entry) for e in root.findall(f"{ATOM}entry")]
    elif root.tag == "rss" and root.find("channel") is not None:
        channel = root.find("channel")
        assert channel is not None
        meta = {
            "title": _text(channel.find("title")),
            "link": _text(channel.find("link")),
            "lang": _text(channel.find("language")),
        }
        records = [(i, rss_item) for i in channel.findall("item")]
    else:
        return parsed.reject("invalid_record", f"not RSS 2.0 or Atom (root {root.tag!r})", raw)
    for element, convert in records:
        try:
            parsed.mentions.append(convert(element, meta, source))
        except RecordError as err:
            parsed.reject(err.reason, err.detail, tostring(element, encoding="utf-8"))
    return parsed


def parse_rss(raw: bytes, now: datetime) -> Parsed:
    return parse_feed(raw, "rss")


def parse_atom(raw: bytes, now: datetime) -> Parsed:
    return parse_feed(raw, "atom")
