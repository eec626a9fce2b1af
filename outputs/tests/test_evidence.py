"""Evidence uploads: real PDF, DOCX, XLSX, PNG and JPEG files accepted, everything else refused."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from outputs.evidence import MAX_EVIDENCE_BYTES, check_evidence_file
from outputs.models import Evidence, ReviewEvent, StatusUpdate
from testing.files import post_update, stored_files

pytestmark = pytest.mark.usefixtures("tmp_media")

NARRATIVE = "Typed narrative that must survive a refused upload"


# --- Accepted ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["pdf", "docx", "xlsx", "png", "jpeg", "jpg"])
def test_real_files_are_accepted_and_served_back(users, malawi_output, client_for, files, tmp_media, kind):
    upload = files.upload(kind)
    content = upload.read()
    upload.seek(0)
    response = post_update(client_for(users.officer_mw), malawi_output, [upload], narrative=NARRATIVE)
    assert response.status_code == 302

    evidence = Evidence.objects.get()
    expected_type = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg",
    }[kind]
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        upload.name, expected_type, len(content),
    )
    assert evidence.update.narrative == NARRATIVE and evidence.added_by == users.officer_mw
    # Stored under a random name in the output's folder, never the uploader's name.
    assert evidence.file.name.startswith(f"evidence/{malawi_output.pk}/")
    assert upload.name not in evidence.file.name
    assert [path.read_bytes() for path in stored_files(tmp_media)] == [content]

    download = client_for(users.coordinator).get(reverse("outputs:evidence", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == expected_type
    assert f'filename="{upload.name}"' in download["Content-Disposition"]
    inline = kind in ("pdf", "png", "jpeg", "jpg")
    assert download["Content-Disposition"].startswith("inline" if inline else "attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_several_files_on_one_update(users, malawi_output, client_for, files):
    response = post_update(client_for(users.officer_mw), malawi_output,
                     [files.upload("pdf"), files.upload("png"), files.upload("xlsx")], narrative=NARRATIVE)
    assert response.status_code == 302
    assert sorted(Evidence.objects.values_list("original_name", flat=True)) == [
        "indicators.xlsx", "photo.png", "report.pdf",
    ]
    assert StatusUpdate.objects.count() == 1


def test_docx_whose_document_starts_past_the_first_8_kb(users, malawi_output, client_for, files):
    """Word for Mac writes a thumbnail before the document part: still a genuine DOCX."""
    content = files.docx(thumbnail_bytes=5000)
    assert content.index(b"word/document.xml") > 8192
    upload = SimpleUploadedFile("thumbnail-first.docx", content)
    response = post_update(client_for(users.officer_mw), malawi_output, [upload], narrative=NARRATIVE)
    assert response.status_code == 302
    assert Evidence.objects.get().original_name == "thumbnail-first.docx"


def test_large_xlsx_is_accepted(users, malawi_output, client_for, files):
    content = files.xlsx(rows=3000)
    assert len(content) > 8192
    response = post_update(client_for(users.officer_mw), malawi_output,
                     [SimpleUploadedFile("many-rows.xlsx", content)], narrative=NARRATIVE)
    assert response.status_code == 302
    assert Evidence.objects.get().size == len(content)


def test_a_file_of_exactly_the_limit_is_accepted(files):
    pdf = files.pdf()
    upload = SimpleUploadedFile("limit.pdf", pdf + b"\n" * (MAX_EVIDENCE_BYTES - len(pdf)))
    assert upload.size == MAX_EVIDENCE_BYTES
    assert check_evidence_file(upload) == "application/pdf"


# --- Refused -------------------------------------------------------------------------------


def _refused_cases(files):
    pdf = files.pdf()
    return {
        "text file": (SimpleUploadedFile("notes.txt", b"Plain text notes\n"),
                      "notes.txt: only PDF, DOCX, XLSX, PNG, JPEG files are accepted."),
        "executable": (SimpleUploadedFile("setup.exe", files.exe()),
                       "setup.exe: only PDF, DOCX, XLSX, PNG, JPEG files are accepted."),
        "renamed executable": (
            SimpleUploadedFile("report.pdf", files.exe()),
            "report.pdf does not contain what its name says (.pdf); only genuine PDF, DOCX, XLSX, "
            "PNG, JPEG files are accepted.",
        ),
        "oversize": (
            SimpleUploadedFile("huge.pdf", pdf + b"0" * (MAX_EVIDENCE_BYTES + 1 - len(pdf))),
            "huge.pdf is 10.0\xa0MB; evidence files may be at most 10.0\xa0MB.",
        ),
        "pdf renamed png": (
            SimpleUploadedFile("photo.png", pdf),
            "photo.png does not contain what its name says (.png); only genuine PDF, DOCX, XLSX, "
            "PNG, JPEG files are accepted.",
        ),
        "zip renamed docx": (
            SimpleUploadedFile("minutes.docx", _plain_zip()),
            "minutes.docx does not contain what its name says (.docx); only genuine PDF, DOCX, "
            "XLSX, PNG, JPEG files are accepted.",
        ),
        "xlsx renamed docx": (
            SimpleUploadedFile("minutes.docx", files.xlsx()),
            "minutes.docx does not contain what its name says (.docx); only genuine PDF, DOCX, "
            "XLSX, PNG, JPEG files are accepted.",
        ),
        "no extension": (SimpleUploadedFile("report", pdf),
                         "report: only PDF, DOCX, XLSX, PNG, JPEG files are accepted."),
    }


def _plain_zip():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    return buffer.getvalue()


REFUSED = ["text file", "executable", "renamed executable", "oversize", "pdf renamed png",
           "zip renamed docx", "xlsx renamed docx", "no extension"]


@pytest.mark.parametrize("case", REFUSED)
def test_refused_upload_says_why_and_writes_nothing(users, malawi_output, client_for, files, tmp_media, case):
    upload, message = _refused_cases(files)[case]
    response = post_update(client_for(users.officer_mw), malawi_output,
                     [files.upload("png", "good-photo.png"), upload], narrative=NARRATIVE)
    assert response.status_code == 200
    assert response.context["form"].errors["files"] == [message]
    html = response.content.decode()
    assert message.replace("\xa0", "&nbsp;") in html or message in html
    assert NARRATIVE in html  # what they typed is kept
    assert (StatusUpdate.objects.count(), ReviewEvent.objects.count(), Evidence.objects.count()) == (0, 0, 0)
    assert stored_files(tmp_media) == []
    malawi_output.refresh_from_db()
    assert malawi_output.revision == 0 and malawi_output.pending_update is None


@pytest.mark.parametrize("case", REFUSED)
def test_check_evidence_file_refuses(files, case):
    upload, message = _refused_cases(files)[case]
    with pytest.raises(ValidationError) as caught:
        check_evidence_file(upload)
    assert caught.value.messages == [message]


def test_refused_upload_on_an_existing_update_keeps_it_unchanged(users, malawi_output, client_for, files, workflow):
    update = workflow.save(malawi_output, users.officer_mw, submit=False, progress=10, narrative="Draft.",
                           files=[files.upload("pdf")])
    response = post_update(client_for(users.officer_mw), malawi_output,
                     [SimpleUploadedFile("report.pdf", files.exe())], narrative=NARRATIVE)
    assert response.status_code == 200
    update.refresh_from_db()
    assert (update.progress, update.narrative, update.review_state) == (10, "Draft.", "draft")
    assert Evidence.objects.count() == 1 and update.events.count() == 1


# --- Links ---------------------------------------------------------------------------------


def test_link_evidence_redirects_to_the_link(users, malawi_output, client_for, workflow):
    update = workflow.save(malawi_output, users.officer_mw, links=["https://www.ilo.org/report"])
    workflow.approve(update, users.coordinator)
    evidence = Evidence.objects.get()
    response = client_for(users.donor).get(reverse("outputs:evidence", args=[evidence.pk]))
    assert (response.status_code, response["Location"]) == (302, "https://www.ilo.org/report")


def test_pending_link_hidden_from_donors(users, malawi_output, client_for, workflow):
    workflow.save(malawi_output, users.officer_mw, links=["https://www.ilo.org/draft"])
    evidence = Evidence.objects.get()
    assert client_for(users.donor).get(reverse("outputs:evidence", args=[evidence.pk])).status_code == 404
    assert client_for(users.officer_zm).get(reverse("outputs:evidence", args=[evidence.pk])).status_code == 302


# --- File names that are not UTF-8 ---------------------------------------------------------

UNDECODABLE = "A file's name is not valid UTF-8 text, so the file was not accepted. Rename it and attach it again."
BOUNDARY = b"----evidence-boundary-7MA4YWxkTrZu0gW"


def _raw_multipart(output, parts):
    """The update form's body as a client writes it byte for byte: ``parts`` are (disposition
    bytes, content) for the files, after the form's fields."""
    output.refresh_from_db()
    fields = {"status": "on_track", "progress": "60", "narrative": NARRATIVE,
              "as_of": timezone.localdate().isoformat(), "links": "", "base_revision": str(output.revision),
              "submit": "1"}
    body = b""
    for name, value in fields.items():
        body += (b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n'
                 + value.encode() + b"\r\n")
    for disposition, content in parts:
        body += (b"--" + BOUNDARY + b"\r\nContent-Disposition: form-data; name=\"files\"; " + disposition
                 + b"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + b"\r\n")
    return body + b"--" + BOUNDARY + b"--\r\n"


def _post_raw(client, output, parts):
    return client.post(reverse("outputs:update", args=[output.pk]), _raw_multipart(output, parts),
                       content_type="multipart/form-data; boundary=" + BOUNDARY.decode())


@pytest.mark.parametrize("disposition", [
    b'filename="\xe9tude.pdf"',  # Latin-1, as an old client or a shell on a Latin-1 disk sends it
    b'filename="\xff\xfe.pdf"',
    b"filename*=UTF-8''%E9tude.pdf",  # RFC 2231 with bytes that are not UTF-8
], ids=["latin-1", "invalid-bytes", "rfc-2231"])
def test_a_file_whose_name_is_not_utf8_is_refused_not_dropped(users, malawi_output, client_for, files, tmp_media,
                                                             disposition):
    response = _post_raw(client_for(users.officer_mw), malawi_output, [(disposition, files.pdf())])
    assert response.status_code == 200
    assert response.context["form"].errors["files"] == [UNDECODABLE]
    assert UNDECODABLE.replace("'", "&#x27;") in response.content.decode()
    assert (StatusUpdate.objects.count(), Evidence.objects.count()) == (0, 0)
    assert stored_files(tmp_media) == []


def test_the_other_errors_come_with_it(users, malawi_output, client_for, files):
    response = _post_raw(client_for(users.officer_mw), malawi_output, [
        (b'filename="report.exe"', files.exe()), (b'filename="\xe9t\xe9.png"', files.png())])
    assert response.context["form"].errors["files"] == ["report.exe: only PDF, DOCX, XLSX, PNG, JPEG files are accepted.",
                                                        UNDECODABLE]


def test_utf8_names_pass_through_large_files(users, malawi_output, client_for, files, tmp_media):
    """Part headers are read across the parser's chunks: a 3 MB file (stored on disk while it
    arrives) whose content holds blank lines, the word filename and bytes that are not UTF-8
    comes first, then a name in UTF-8."""
    noisy = files.pdf() + b"\r\n\r\nfilename=\"\xff\"\r\n\r\n" * 160_000 + b"%%EOF\n"
    assert len(noisy) > 3_000_000
    response = _post_raw(client_for(users.officer_mw), malawi_output, [
        (b'filename="big.pdf"', noisy), ("filename=\"résumé été.pdf\"".encode(), files.pdf())])
    assert response.status_code == 302, response.context["form"].errors
    assert sorted(Evidence.objects.values_list("original_name", flat=True)) == ["big.pdf", "résumé été.pdf"]
    assert len(stored_files(tmp_media)) == 2


def test_an_undecodable_name_after_a_large_file_is_still_found(users, malawi_output, client_for, files, tmp_media):
    response = _post_raw(client_for(users.officer_mw), malawi_output, [
        (b'filename="big.pdf"', files.pdf() + b"\x00" * 3_000_000), (b'filename="\xe9.pdf"', files.pdf())])
    assert response.context["form"].errors["files"] == [UNDECODABLE]
    assert (StatusUpdate.objects.count(), Evidence.objects.count(), stored_files(tmp_media)) == (0, 0, [])


@pytest.mark.parametrize("name", ["\udce9tude.pdf", "\ufffd.pdf"], ids=["surrogate-escaped", "replacement-character"])
def test_check_evidence_file_refuses_a_name_that_is_not_utf8(files, name):
    with pytest.raises(ValidationError) as caught:
        check_evidence_file(SimpleUploadedFile(name, files.pdf()))
    assert caught.value.messages == [UNDECODABLE]


def test_the_services_refuse_a_surrogate_escaped_name_and_write_nothing(users, malawi_output, files, workflow,
                                                                         tmp_media):
    """A name read from a disk whose bytes are not UTF-8 (os.listdir gives surrogates) would fail
    at the database; it is refused first."""
    with pytest.raises(ValidationError) as caught:
        workflow.save(malawi_output, users.officer_mw, files=[SimpleUploadedFile("\udce9tude.pdf", files.pdf())])
    assert caught.value.message_dict == {"files": [UNDECODABLE]}
    assert (StatusUpdate.objects.count(), Evidence.objects.count(), stored_files(tmp_media)) == (0, 0, [])
