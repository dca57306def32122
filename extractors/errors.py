"""Errors raised when a whole document cannot be read.

    ExtractionError                      base; `code` is stable, `message` is for officers
     ├── UnreadableDocumentError         "unreadable_document": corrupt or truncated PDF/DOCX
     ├── EncryptedDocumentError          "encrypted_document": password-protected PDF
     ├── UnsupportedFormatError          "unsupported_format": not PDF, DOCX, HTML or text
     ├── EmptyDocumentError              "empty_document": no bytes, or no text on any page
     │    └── NeedsOcrError              "needs_ocr": only scanned pages, and no OCR available
     ├── ResourceLimitError              "resource_limit": needs more time or memory than allowed
     └── PatternError                    "invalid_pattern": a shipped pattern file is broken

A single page without text is not an error: it is a warning on the Extraction.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "EmptyDocumentError",
    "EncryptedDocumentError",
    "ExtractionError",
    "NeedsOcrError",
    "PatternError",
    "ResourceLimitError",
    "UnreadableDocumentError",
    "UnsupportedFormatError",
]


class ExtractionError(Exception):
    """Base class; `str(error)` is `message`: what happened and what to do about it."""

    code: ClassVar[str] = "extraction_error"
    default_message: ClassVar[str] = "The document could not be read."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class UnreadableDocumentError(ExtractionError):
    code: ClassVar[str] = "unreadable_document"
    default_message: ClassVar[str] = (
        "The PDF is damaged or incomplete and could not be read. Ask the vendor for a fresh "
        "copy, or download it again and re-upload it."
    )


class EncryptedDocumentError(ExtractionError):
    code: ClassVar[str] = "encrypted_document"
    default_message: ClassVar[str] = (
        "The PDF is password-protected, so its text cannot be read. Ask the vendor for a copy "
        "without a password, or open it, print it to a new PDF, and upload that."
    )


class UnsupportedFormatError(ExtractionError):
    code: ClassVar[str] = "unsupported_format"
    default_message: ClassVar[str] = (
        "This file is not a PDF, Word (.docx), web page (HTML) or text document. Upload the "
        "agreement as a PDF, Word (.docx) or text file."
    )

    def __init__(self, message: str | None = None, *, detected: str | None = None) -> None:
        self.detected = detected
        if message is None and detected is not None:
            message = (
                f"This looks like {detected}, not an agreement. Upload the agreement as a PDF, "
                "Word (.docx) or text file."
            )
        super().__init__(message)


class EmptyDocumentError(ExtractionError):
    code: ClassVar[str] = "empty_document"
    default_message: ClassVar[str] = (
        "The document contains no readable text. If it is a scan, it needs OCR (text "
        "recognition) first: ask the vendor for a text PDF or run it through OCR."
    )


class NeedsOcrError(EmptyDocumentError):
    """Every page is a scanned image and text recognition (Tesseract) is not available."""

    code: ClassVar[str] = "needs_ocr"
    default_message: ClassVar[str] = (
        "The document is a scan: its pages are images without text, and text recognition "
        "(OCR) is not installed on this server. Ask the administrator to install "
        "tesseract-ocr, or ask the vendor for a text PDF."
    )

    def __init__(self, message: str | None = None, *, pages: tuple[int, ...] = ()) -> None:
        self.pages = pages
        super().__init__(message)


class ResourceLimitError(ExtractionError):
    """The document needed more time or memory than one agreement may take."""

    code: ClassVar[str] = "resource_limit"
    default_message: ClassVar[str] = (
        "The document took too long or needed too much memory to read, so reading was "
        "stopped. It may be damaged or built to overload readers; ask the vendor for a "
        "plain PDF, Word or text copy."
    )


class PatternError(ExtractionError):
    """A shipped pattern file is invalid: a packaging bug, raised when the pipeline is built."""

    code: ClassVar[str] = "invalid_pattern"

    def __init__(self, message: str, *, file: str, line: int) -> None:
        self.file = file
        self.line = line
        super().__init__(f"{file}:{line}: {message}")
