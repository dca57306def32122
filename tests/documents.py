"""Real documents made on the fly for tests: PDFs drawn with reportlab, one line per string."""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence

from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

__all__ = [
    "SCHEDULE_CATEGORIES",
    "make_flate_bomb_pdf",
    "make_image_bomb_pdf",
    "make_pdf",
    "make_raw_pdf",
    "make_scanned_pdf",
    "make_schedule_pdf",
    "make_two_column_pdf",
    "make_zero_page_pdf",
]


def make_pdf(
    pages: Sequence[Sequence[str]],
    *,
    encrypt: str | None = None,
    header: str | None = None,
    footer: str | None = None,
) -> bytes:
    """A PDF with one text line per string; an empty sequence makes a blank page.

    `header` is drawn at the top of every page, `footer` at the bottom; `{page}` and
    `{pages}` in either are replaced by the page number and the page count.
    """
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter, encrypt=encrypt)
    for number, lines in enumerate(pages, start=1):
        if header is not None:
            pdf.drawString(72, 756, header.format(page=number, pages=len(pages)))
        y = 720
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 16
        if footer is not None:
            pdf.drawString(72, 36, footer.format(page=number, pages=len(pages)))
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_two_column_pdf(title: str, left: Sequence[str], right: Sequence[str]) -> bytes:
    """One page: a full-width title, then two columns of lines (left at x=54, right at 318)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(54, 740, title)
    pdf.setFont("Helvetica", 10)
    for x, lines in ((54, left), (318, right)):
        y = 700
        for line in lines:
            pdf.drawString(x, y, line)
            y -= 13
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# NDPA Exhibit B categories as printed in the schedule (the first column of its table).
SCHEDULE_CATEGORIES = (
    ("Application Technology Meta Data", "IP Addresses of users, Use of cookies, etc."),
    ("Application Use Statistics", "Meta data on user interaction with application"),
    ("Assessment", "Standardized test scores"),
    ("Attendance", "Student school (daily) attendance data"),
    ("Communications", "Online communications captured (emails, blog entries)"),
    ("Conduct", "Conduct or behavioral data"),
    ("Demographics", "Date of Birth"),
    ("Enrollment", "Student school enrollment"),
    ("Parent/Guardian Contact Information", "Address, Email, Phone"),
    ("Parent/Guardian Name", "First and/or Last"),
    ("Special Indicator", "Disability information"),
    ("Student Identifiers", "Local (School district) ID number"),
    ("Student Work", "Student generated content; writing, pictures, etc."),
    ("Transcript", "Student course grades"),
    ("Transportation", "Student bus assignment"),
)


def make_schedule_pdf(ticked: Sequence[str], *, marks: str = "boxes") -> bytes:
    """An Exhibit B "schedule of data" page: a ruled table, one row per category.

    `marks="boxes"` draws a small square in the last cell of every row, filled for the
    categories in `ticked`; `marks="glyphs"` writes "X" in the ticked rows' last cell.
    The page starts with prose naming every category, as real exhibits do.
    """
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(54, 750, "EXHIBIT B")
    pdf.drawString(54, 734, "SCHEDULE OF DATA")
    pdf.setFont("Helvetica", 9)
    columns = (54, 250, 470, 558)
    top, height = 710, 18
    rows = [("Category of Data", "Elements", "Check if Used"), *SCHEDULE_CATEGORIES]
    for index, row in enumerate(rows):
        y = top - index * height
        for x0, x1 in itertools.pairwise(columns):
            pdf.rect(x0, y - height, x1 - x0, height, stroke=1, fill=0)
        pdf.drawString(columns[0] + 3, y - 12, row[0])
        pdf.drawString(columns[1] + 3, y - 12, row[1])
        if index == 0:
            pdf.drawString(columns[2] + 3, y - 12, row[2])
            continue
        on = row[0] in ticked
        if marks == "glyphs":
            if on:
                pdf.drawString(columns[2] + 38, y - 12, "X")
        else:
            pdf.rect(columns[2] + 38, y - 14, 9, 9, stroke=1, fill=1 if on else 0)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_scanned_pdf(lines: Sequence[str], *, text_pages: Sequence[Sequence[str]] = ()) -> bytes:
    """A PDF whose last page is a picture of `lines` (no text layer), like a scanned page.

    `text_pages` come first, with a normal text layer. The picture is rendered with PIL
    at 200 dpi in DejaVu Sans (Debian's fonts-dejavu-core) and embedded with reportlab.
    """
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(image)
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.truetype(
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 34
        )
    except OSError:
        font = ImageFont.load_default(size=34)
    y = 200
    for line in lines:
        draw.text((150, y), line, fill=0, font=font)
        y += 60
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    for page in text_pages:
        y = 720
        for line in page:
            pdf.drawString(72, y, line)
            y -= 16
        pdf.showPage()
    pdf.drawImage(ImageReader(image), 0, 0, width=612, height=792)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_raw_pdf(objects: Sequence[bytes]) -> bytes:
    """A PDF from raw object bodies (object 1 must be the catalog), with a correct xref.

    For inputs reportlab refuses to write: zero pages, decompression bombs.
    """
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def make_zero_page_pdf() -> bytes:
    return make_raw_pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    )


def make_flate_bomb_pdf(decoded_bytes: int) -> bytes:
    """One page whose content stream inflates to `decoded_bytes` of spaces (about 1000:1)."""
    import zlib

    compressor = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    stream = b"".join(compressor.compress(chunk) for _ in range(decoded_bytes >> 20))
    stream += compressor.flush()
    return make_raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream
            + b"\nendstream",
        ]
    )


def make_image_bomb_pdf(side: int = 60_000) -> bytes:
    """One page showing a `side` x `side` RGB image whose data is compressed zeros."""
    import zlib

    compressor = zlib.compressobj(9)
    row = bytes(side * 3)
    data = b"".join(compressor.compress(row) for _ in range(64)) + compressor.flush()
    content = b"q 612 0 0 792 0 0 cm /Im0 Do Q"
    return make_raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /XObject << /Im0 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
            % (side, side, len(data))
            + data
            + b"\nendstream",
        ]
    )
