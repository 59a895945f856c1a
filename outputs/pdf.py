"""PDF files of the outputs: checked by what they contain (pypdf), never by name or browser
type, and small text PDFs made with pypdf for demo data."""

import hashlib
import io
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
)

#: Action types a guide may not carry: scripts, and launching programs or importing data.
FORBIDDEN_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"})
#: Keys that only ever hold scripts.
SCRIPT_KEYS = frozenset({"/JS", "/JavaScript"})
#: A file whose object graph is larger than this is refused rather than walked without end.
MAX_OBJECTS = 200_000
#: What a damaged file makes pypdf (or the libraries under it) raise.
_PARSE_ERRORS = (
    PyPdfError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    RecursionError,
    OSError,
    zlib.error,
    AssertionError,
)


@dataclass(frozen=True)
class PdfInfo:
    size: int
    sha256: str
    page_count: int


def _refuse(message: str, code: str):
    return ValidationError({"file": ValidationError(message, code=code)})


def _carries_script(reader: PdfReader) -> bool:
    """Any dictionary reachable from the trailer with a script or a forbidden action (the
    catalogue's names tree and open action, pages' and annotations' actions, form fields)."""
    stack, seen, walked = [reader.trailer], set(), 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            node = node.get_object()
        walked += 1
        if walked > MAX_OBJECTS:
            raise _refuse(_("This PDF is too complex to check."), "pdf_too_complex")
        if isinstance(node, DictionaryObject):
            if SCRIPT_KEYS.intersection(node.keys()):
                return True
            action = node.get("/S")
            if isinstance(action, IndirectObject):
                action = action.get_object()
            if str(action) in FORBIDDEN_ACTIONS:
                return True
            stack.extend(value for key, value in node.items() if key != "/Parent")
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def inspect_pdf(uploaded) -> PdfInfo:
    """Size, SHA-256 and page count of an uploaded PDF, or a ValidationError on ``file``: too
    large (before it is read), not a PDF, damaged, encrypted, or carrying scripts or actions."""
    limit = settings.GUIDE_MAX_UPLOAD_BYTES
    size = uploaded.size
    if size is None or size > limit:
        raise _refuse(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)},
            "file_too_large",
        )
    uploaded.seek(0)
    data = uploaded.read(limit + 1)
    uploaded.seek(0)
    if len(data) > limit:
        raise _refuse(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)},
            "file_too_large",
        )
    if not data.startswith(b"%PDF-"):
        raise _refuse(_("This file is not a PDF."), "not_pdf")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse(
                _("This PDF is encrypted or password-protected; upload it without protection."),
                "pdf_encrypted",
            )
        page_count = len(reader.pages)
        scripted = _carries_script(reader)
    except _PARSE_ERRORS as error:
        raise _refuse(_("This PDF is damaged and cannot be read."), "pdf_malformed") from error
    if page_count < 1:
        raise _refuse(_("This PDF has no pages."), "pdf_malformed")
    if scripted:
        raise _refuse(
            _("This PDF contains JavaScript or actions that launch programs; remove them."),
            "pdf_active_content",
        )
    return PdfInfo(size=len(data), sha256=hashlib.sha256(data).hexdigest(), page_count=page_count)


def _pdf_text(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("latin-1", "replace")


def text_pdf(lines: list[str]) -> bytes:
    """An A4 PDF of one page with ``lines`` in Helvetica (demo and test documents)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    content = [b"BT /F1 12 Tf 72 770 Td 16 TL"]
    content += [b"(" + _pdf_text(line) + b") Tj T*" for line in lines]
    content.append(b"ET")
    stream = DecodedStreamObject()
    stream.set_data(b"\n".join(content))
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
