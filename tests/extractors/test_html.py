"""Web-page (HTML) privacy policies: only the main text is read, page chrome is dropped."""

from __future__ import annotations

import pytest

from extractors import EmptyDocumentError, extract, read_pages
from extractors.reader import sniff
from extractors.webpage import html_text

VENDOR_POLICY = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Privacy Policy | Acme Learning</title>
  <style>.cookie-banner { position: fixed; } body { font-family: sans-serif; }</style>
  <script>window.dataLayer = []; var msg = "we sell nothing in scripts";</script>
</head>
<body>
  <div id="cookie-consent" class="cookie-banner">
    <p>We use cookies to improve your experience. Accept all cookies?</p>
    <button>Accept</button>
  </div>
  <header class="site-header">
    <a href="/">Acme Learning</a>
    <nav class="main-nav"><ul><li><a href="/pricing">Pricing</a></li>
      <li><a href="/privacy">Privacy</a></li></ul></nav>
  </header>
  <div class="breadcrumbs"><a href="/">Home</a> &rsaquo; <span>Privacy</span></div>
  <main id="content">
    <h1>Student Data Privacy Policy</h1>
    <p>Last updated: <time>March 1, 2025</time></p>
    <h2>1. Sale of Data</h2>
    <p>Acme Learning shall not sell Student Data to any third party.</p>
    <h2>2. Security Incidents</h2>
    <p>Acme Learning shall notify the LEA of any breach of Student Data within
       seventy-two (72) hours of discovery.</p>
    <h2>3. What we collect</h2>
    <ul>
      <li>Student name and grade level</li>
      <li>Assignment scores &amp; teacher comments</li>
    </ul>
    <aside class="related">Related: we sell gift cards in our store.</aside>
    <form action="/subscribe"><label>Email</label><input name="email"></form>
    <svg><text>we sell</text></svg>
  </main>
  <footer class="site-footer">
    <p>We sell merchandise. &copy; 2025 Acme Learning, Inc.</p>
    <div class="footer-links"><a href="/terms">Terms</a></div>
  </footer>
  <noscript><p>We sell nothing without JavaScript.</p></noscript>
  <script src="/analytics.js"></script>
</body>
</html>
"""


def test_html_is_sniffed_from_the_bytes_not_the_name():
    assert sniff(VENDOR_POLICY.encode()) == "html"
    assert sniff(b"<html><body><p>Hi</p></body></html>") == "html"
    assert sniff(b"\xef\xbb\xbf  <!doctype HTML><p>Hi") == "html"
    assert sniff(b"<div class='policy'><p>Provider shall not sell data.</p></div>") == "html"
    assert sniff(b"<!-- saved page --><!DOCTYPE html><p>Hi") == "html"


@pytest.mark.parametrize(
    "data",
    [
        b"Provider shall not sell Student Data.",
        b"# Privacy Policy\n\nProvider shall not sell <b>any</b> Student Data.",
        b"<Student Data> means any data about a student.",
    ],
)
def test_text_and_markdown_are_not_html(data):
    assert sniff(data) == "text"


def test_chrome_is_dropped_and_main_content_kept():
    pages = read_pages(VENDOR_POLICY.encode(), filename="privacy.txt")
    assert len(pages) == 1
    text = pages[0].text
    assert "Student Data Privacy Policy" in text
    assert "shall not sell Student Data" in text
    assert "seventy-two (72) hours" in text
    for dropped in ("cookies", "Pricing", "Home", "we sell", "We sell", "Terms", "dataLayer"):
        assert dropped not in text, dropped
    assert "Privacy Policy | Acme" not in text  # <title> is not body text
    assert "Email" not in text


def test_blocks_are_separate_lines_so_sentences_do_not_merge():
    blocks = read_pages(VENDOR_POLICY.encode())[0].text.split("\n\n")
    assert blocks[:4] == [
        "Student Data Privacy Policy",
        "Last updated: March 1, 2025",
        "1. Sale of Data",
        "Acme Learning shall not sell Student Data to any third party.",
    ]
    assert (
        "Acme Learning shall notify the LEA of any breach of Student Data within "
        "seventy-two (72) hours of discovery." in blocks
    )
    assert "Student name and grade level" in blocks


def test_entities_are_decoded():
    text = read_pages(VENDOR_POLICY.encode())[0].text
    assert "Assignment scores & teacher comments" in text
    assert html_text(
        "<p>Caf&eacute; &ldquo;Student Data&rdquo;&nbsp;is &#8220;ours&#8221;</p>"
    ) == ("Café “Student Data” is “ours”")


def test_clauses_on_a_web_page_are_extracted(nlp):
    extraction = extract(VENDOR_POLICY.encode(), filename="privacy.html", nlp=nlp)
    labels = {c.label for c in extraction.clauses}
    assert {"data_sale", "breach_notification"} <= labels
    breach = next(c for c in extraction.clauses if c.label == "breach_notification")
    assert breach.page == 1
    assert breach.attributes["deadline_hours"] == 72
    assert extraction.pages[0].text[breach.start : breach.end] == breach.text
    sale = [c for c in extraction.clauses if c.label == "data_sale"]
    assert len(sale) == 1  # the footer's and aside's "we sell" never reach the pipeline
    assert "third party" in sale[0].text


def test_heading_without_period_does_not_merge_into_the_next_sentence(nlp):
    extraction = extract(
        b"<html><body><h2>Breach Notification</h2><p>Provider shall notify the LEA of any "
        b"breach of Student Data within 48 hours.</p></body></html>",
        nlp=nlp,
    )
    breach = next(c for c in extraction.clauses if c.label == "breach_notification")
    assert breach.text.startswith("Provider shall notify")


def test_class_and_id_names_drop_menus_and_banners():
    markup = (
        '<body><div id="mega-menu"><p>Products</p></div>'
        '<div class="promo-banner"><p>Sale!</p></div>'
        '<div class="sidenav"><p>Links</p></div>'
        '<article class="policy-nav-wrapper"><p>Provider shall not sell data.</p></article>'
        "</body>"
    )
    assert html_text(markup) == "Provider shall not sell data."


def test_nested_and_unclosed_elements_are_handled():
    markup = (
        "<div><p>First paragraph<p>Second paragraph<ul><li>one<li>two</ul>"
        "<nav><ul><li>menu</nav><p>After nav</div></span>"
    )
    assert html_text(markup) == "First paragraph\n\nSecond paragraph\n\none\n\ntwo\n\nAfter nav"


def test_line_breaks_and_tables_are_kept():
    markup = (
        "<p>Acme Inc.<br>1 Main St</p>"
        "<table><tr><th>Data</th><th>Purpose</th></tr><tr><td>Name</td><td>Login</td></tr></table>"
    )
    assert html_text(markup) == "Acme Inc.\n1 Main St\n\nData | Purpose\n\nName | Login"


def test_web_page_with_only_chrome_is_empty():
    with pytest.raises(EmptyDocumentError) as info:
        read_pages(b"<html><body><nav>Home</nav><script>x()</script></body></html>")
    assert "web page" in info.value.message
