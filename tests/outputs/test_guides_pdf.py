"""Uploads are checked by what the file holds (pypdf), never by its name or browser type: a
real PDF is taken; an HTML file named .pdf, a damaged, encrypted, oversized or scripted PDF is
refused with an error on the file field, and nothing is stored."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.actions import JavaScript, PageTrigger
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from outputs import services
from outputs.models import GuideVersion
from outputs.pdf import inspect_pdf, text_pdf
from tests.factories import GuideFactory
from tests.outputs.guides_world import guide_media  # noqa: F401

pytestmark = pytest.mark.django_db


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def _encrypted() -> bytes:
    writer = _writer()
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    return _written(writer)


def _with_javascript() -> bytes:
    """JavaScript run when the document opens (the catalogue's names tree)."""
    writer = _writer()
    writer.add_open_action(JavaScript("app.alert('hello');"))
    return _written(writer)


def _with_page_javascript() -> bytes:
    """JavaScript run when a page opens (the page's additional actions)."""
    writer = _writer()
    writer.pages[0].add_action(PageTrigger("open"), JavaScript("app.alert('page');"))
    return _written(writer)


def _with_launch_action() -> bytes:
    writer = _writer()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    )
    return _written(writer)


def _with_scripted_link() -> bytes:
    """A link annotation whose action runs JavaScript (nothing in the catalogue)."""
    writer = _writer()
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 100, 100)]),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("app.launchURL('x');"),
                }
            ),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _written(writer)


def _html() -> bytes:
    return b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def _damaged() -> bytes:
    return b"%PDF-1.7\n" + b"\x00garbage that no parser reads as objects\n" * 20


REFUSED = {
    "html_named_pdf": (_html, "not_pdf"),
    "damaged": (_damaged, "pdf_malformed"),
    "truncated": (lambda: text_pdf(["A guide"])[:120], "pdf_malformed"),
    "encrypted": (_encrypted, "pdf_encrypted"),
    "javascript": (_with_javascript, "pdf_active_content"),
    "page_javascript": (_with_page_javascript, "pdf_active_content"),
    "launch_action": (_with_launch_action, "pdf_active_content"),
    "scripted_link": (_with_scripted_link, "pdf_active_content"),
}


def _upload(data: bytes, name="guide.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_real_pdf_is_measured():
    data = text_pdf(["Detection efficiency", "Version 1.0.0"])
    info = inspect_pdf(_upload(data))
    assert info.size == len(data)
    assert info.page_count == 1
    assert len(info.sha256) == 64


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_a_bad_file_is_refused_on_the_file_field(kind):
    make, code = REFUSED[kind]
    with pytest.raises(ValidationError) as refused:
        inspect_pdf(_upload(make()))
    assert [error.code for error in refused.value.error_dict["file"]] == [code]


def test_a_file_over_the_size_setting_is_refused_before_it_is_parsed(settings):
    data = text_pdf(["A guide"])
    settings.GUIDE_MAX_UPLOAD_BYTES = len(data) - 1
    with pytest.raises(ValidationError) as refused:
        inspect_pdf(_upload(data))
    assert refused.value.error_dict["file"][0].code == "file_too_large"
    settings.GUIDE_MAX_UPLOAD_BYTES = len(data)
    assert inspect_pdf(_upload(data)).size == len(data)


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_nothing_is_stored_when_an_upload_is_refused(kind, settings):
    guide = GuideFactory()
    files_before = set(Path(settings.MEDIA_ROOT).rglob("*"))
    with pytest.raises(ValidationError):
        services.guide_version_create(
            actor=guide.author, guide=guide, file=_upload(REFUSED[kind][0]()), number="1.0.0"
        )
    assert not GuideVersion.objects.exists()
    assert set(Path(settings.MEDIA_ROOT).rglob("*")) == files_before


def test_the_stored_name_is_unguessable_and_the_uploaders_name_is_kept_sanitised():
    guide = GuideFactory()
    version = services.guide_version_create(
        actor=guide.author,
        guide=guide,
        file=_upload(text_pdf(["A guide"]), name="../../etc/Détection <x>.pdf"),
        number="1.0.0",
    )
    assert version.file.name.startswith("guides/")
    assert "tection" not in version.file.name
    assert "etc" not in version.file.name
    assert len(version.file.name) == len("guides/") + 32 + len(".pdf")
    assert version.original_name == "Detection-x.pdf"


def test_the_browsers_type_and_the_name_do_not_make_a_pdf():
    with pytest.raises(ValidationError):
        inspect_pdf(_upload(_html(), name="guide.pdf", content_type="application/pdf"))
    assert inspect_pdf(_upload(text_pdf(["x"]), name="guide.txt", content_type="text/plain"))


def _stored(settings) -> set[Path]:
    return {path for path in Path(settings.MEDIA_ROOT).rglob("*.pdf")}


def test_a_replaced_pdf_leaves_the_store_once_committed(
    settings, django_capture_on_commit_callbacks
):
    guide = GuideFactory()
    version = services.guide_version_create(
        actor=guide.author, guide=guide, file=_upload(text_pdf(["First"])), number="1.0.0"
    )
    first = Path(version.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.guide_version_update(
            actor=guide.author,
            guide_version=version,
            version=version.version,
            file=_upload(text_pdf(["Second"])),
        )
    assert not first.exists()
    assert Path(version.file.path).exists()
    assert Path(version.file.path) in _stored(settings)


def test_a_refused_revision_stores_no_new_file(settings):
    guide = GuideFactory()
    version = services.guide_version_create(
        actor=guide.author, guide=guide, file=_upload(text_pdf(["First"])), number="1.0.0"
    )
    before = _stored(settings)
    with pytest.raises(ValidationError, match="at least one author"):
        services.guide_version_update(
            actor=guide.author,
            guide_version=version,
            version=version.version,
            file=_upload(text_pdf(["Second"])),
            authors=[],
        )
    assert _stored(settings) == before
