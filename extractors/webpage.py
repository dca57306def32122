"""Web pages (HTML): the main text of a vendor's privacy policy, via the stdlib html.parser.

Page chrome is dropped: script, style, noscript, nav, header, footer, aside, form, svg,
iframe (and title, template, button, select, dialog) elements, hidden elements, ARIA
navigation/banner/contentinfo/dialog roles, and elements whose id or class contains
cookie, banner, consent, nav, menu, footer or breadcrumb (never `html`, `body`, `main`
or `article` themselves, so a content wrapper with such a class keeps the policy).
Headings, paragraphs, list items and other blocks become separate lines with a blank line
between them, so sentences from different blocks never merge. Entities are decoded. Always one page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from extractors.text import decode_text
from extractors.types import Page

__all__ = ["html_text", "is_html", "read_html_pages"]

_SNIFF_BYTES = 2048
_DOCTYPE = re.compile(rb"^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<!doctype\s+html", re.I | re.S)
_HTML_TAG = re.compile(rb"<(?:html|body|head|div|p)[\s>/]", re.I)

_DROPPED_TAGS = frozenset(
    {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg", "iframe"}
    | {"template", "select", "button", "dialog", "title"}
)
_CHROME_WORDS = ("cookie", "banner", "consent", "nav", "menu", "footer", "breadcrumb")
_NEVER_DROPPED_BY_CLASS = frozenset({"html", "body", "main", "article"})
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "main", "blockquote", "pre"}
    | {"address", "figure", "figcaption", "details", "summary", "hr", "caption"}
    | {"body", "html", "center"}
)
_WHITESPACE = re.compile(r"\s+")
_CELL_TAGS = frozenset({"td", "th"})
# Elements the parser closes implicitly when a sibling of the same kind opens.
_SELF_CLOSING_SIBLINGS = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})


def is_html(data: bytes) -> bool:
    """A doctype or `<html` first, or a leading `<` with html/body/head/div/p tags early on."""
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n\x0c")[:_SNIFF_BYTES]
    if _DOCTYPE.match(head) or head[:5].lower() == b"<html":
        return True
    return head.startswith(b"<") and _HTML_TAG.search(head) is not None


def read_html_pages(data: bytes) -> tuple[Page, ...]:
    """One page with the main text of the web page (possibly empty: the caller decides)."""
    return (Page(number=1, text=html_text(decode_text(data))),)


def html_text(markup: str) -> str:
    """Main text of `markup`: one line per block, blank lines between blocks."""
    parser = _MainTextParser()
    parser.feed(markup)
    parser.close()
    return parser.text()


def _is_chrome(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    if tag in _DROPPED_TAGS:
        return True
    if tag in _NEVER_DROPPED_BY_CLASS:
        return False
    names = " ".join(v for k, v in attrs if k in ("id", "class") and v).lower()
    if any(word in names for word in _CHROME_WORDS):
        return True
    role = " ".join(v for k, v in attrs if k == "role" and v).lower()
    hidden = any(k == "hidden" or (k == "aria-hidden" and v == "true") for k, v in attrs)
    return hidden or role in ("navigation", "banner", "contentinfo", "dialog", "alertdialog")


class _MainTextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._stack: list[tuple[str, bool]] = []  # (tag, dropped here)
        self._dropped = 0  # open dropped elements
        self._blocks: list[str] = []
        self._current: list[str] = []
        self._cells = 0  # cells seen in the current table row

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            self._void(tag)
            return
        if tag in _SELF_CLOSING_SIBLINGS and self._stack and self._stack[-1][0] == tag:
            self.handle_endtag(tag)
        dropped = _is_chrome(tag, attrs)
        self._stack.append((tag, dropped))
        if dropped:
            self._dropped += 1
        if self._dropped:
            return
        if tag in _BLOCK_TAGS:
            self._break()
            if tag == "tr":
                self._cells = 0
        elif tag in _CELL_TAGS:
            if self._cells:
                self._current.append(" | ")
            self._cells += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            self._void(tag)
        elif not self._dropped and tag in _BLOCK_TAGS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if not any(open_tag == tag for open_tag, _ in self._stack):
            return  # a stray end tag: ignore it rather than close unrelated elements
        while self._stack:
            open_tag, dropped = self._stack.pop()
            if dropped:
                self._dropped -= 1
            if open_tag == tag:
                break
        if not self._dropped and tag in _BLOCK_TAGS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self._dropped:  # source line breaks are just spaces; only <br> breaks a line
            self._current.append(_WHITESPACE.sub(" ", data))

    def text(self) -> str:
        self._break()
        return "\n\n".join(self._blocks)

    def _void(self, tag: str) -> None:
        if self._dropped:
            return
        if tag == "br":
            self._current.append("\n")
        elif tag == "hr":
            self._break()
        elif tag in ("img", "input"):
            self._current.append(" ")

    def _break(self) -> None:
        """End the current block: collapse its whitespace, keep `<br>` line breaks."""
        lines = (" ".join(line.split()) for line in "".join(self._current).split("\n"))
        block = "\n".join(line for line in lines if line)
        if block:
            self._blocks.append(block)
        self._current = []
