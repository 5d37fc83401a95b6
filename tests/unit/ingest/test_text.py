"""HTML from platforms becomes safe, readable plain text with every link kept."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.ingest.text import html_to_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Hallo &amp; welkom</p>", "Hallo & welkom"),
        ("<p>een</p><p>twee<br>drie</p>", "een\n\ntwee\ndrie"),
        (
            '<a href="https://mastodon.nl/@openhart" class="u-url mention">'
            "@<span>openhart</span></a>",
            "@openhart",
        ),
        ('<a href="https://x/tags/zorg" class="mention hashtag">#<span>zorg</span></a>', "#zorg"),
        (
            '<a href="https://example.org/a/b/c"><span class="invisible">https://</span>'
            '<span class="ellipsis">example.org/a/</span><span class="invisible">b/c</span></a>',
            "https://example.org/a/b/c",
        ),
        (
            'lees <a href="https://example.org/x">het artikel</a>',
            "lees het artikel (https://example.org/x)",
        ),
        ('<a href="javascript:alert(1)">klik</a>', "klik"),
        ("<script>alert(1)</script><style>p{}</style>zichtbaar", "zichtbaar"),
        ('<img src="x.png" alt=":blobcat:"> hoi', ":blobcat: hoi"),
        ("&lt;b&gt;geen opmaak&lt;/b&gt; &#x2764; &eacute;", "<b>geen opmaak</b> ❤ é"),
        ("<p>شكرا جزيلا</p><p>ありがとう</p>", "شكرا جزيلا\n\nありがとう"),
        ("<p>open <a href='https://e.org'>link", "open link"),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


@given(st.text(max_size=500))
def test_any_markup_gives_text(html: str) -> None:
    assert isinstance(html_to_text(html), str)


@given(
    st.text(
        alphabet=st.characters(exclude_characters="<&\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
        max_size=200,
    )
)
def test_plain_text_survives_as_written(text: str) -> None:
    assert html_to_text(f"<p>{_escape(text)}</p>").split() == text.split()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")
