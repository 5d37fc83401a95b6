"""Plain text from the HTML that platforms send (Mastodon statuses, feed entries).

Why not keep the HTML: every consumer (classifier, history, a department's
mail) wants words, and HTML from outside is never rendered by webcare. The
conversion keeps what a reader needs: paragraphs and line breaks, the target
of every link, @mentions and #tags as written, entities decoded. Scripts and
styles are dropped; no markup survives, so nothing downstream can be tricked
into rendering it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}
_DROPPED = {"script", "style", "head", "title", "template"}


class _Flattener(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropping = 0
        self._link: tuple[str, str, list[str]] | None = None  # href, class, inner text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._dropping += 1
        elif tag == "br":
            self._emit("\n")
        elif tag in _BLOCKS:
            self._emit("\n\n")
        elif tag == "a" and self._link is None:
            found = dict(attrs)
            self._link = (found.get("href") or "", found.get("class") or "", [])
        elif tag == "img":
            # Custom emoji and inline images: their alt text (":blobcat:") is what a reader sees.
            alt = dict(attrs).get("alt")
            if alt:
                self._emit(alt)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _DROPPED:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropping = max(0, self._dropping - 1)
        elif tag in _BLOCKS:
            self._emit("\n\n")
        elif tag == "a" and self._link is not None:
            href, css, inner = self._link
            self._link = None
            self._emit(_link_text(href, css, "".join(inner)))

    def handle_data(self, data: str) -> None:
        if self._dropping:
            return
        if self._link is not None:
            self._link[2].append(data)
        else:
            self.parts.append(data)

    def _emit(self, text: str) -> None:
        if self._link is not None:
            self._link[2].append(text)
        elif not self._dropping:
            self.parts.append(text)


def _link_text(href: str, css: str, inner: str) -> str:
    """A mention or tag stays as written; any other link becomes its full target.

    Mastodon shortens link text ("example.org/lange-ur…") with hidden spans, so
    the href is the only faithful copy of the link.
    """
    inner = inner.strip()
    if "mention" in css or "hashtag" in css or inner.startswith(("@", "#")):
        return inner
    if not href.startswith(("http://", "https://", "mailto:")):
        return inner
    if not inner or inner in href or href.rstrip("/").endswith(inner.rstrip("/…")):
        return href
    return f"{inner} ({href})"


_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML fragment; never raises on malformed markup."""
    flattener = _Flattener()
    flattener.feed(html)
    flattener.close()
    if flattener._link is not None:  # an unclosed <a>: keep what it held
        flattener.parts.append("".join(flattener._link[2]))
    text = "".join(flattener.parts)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<[a-zA-Z/][^>]*>|&[#a-zA-Z0-9]+;", text))
