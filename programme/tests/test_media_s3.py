"""Media on an S3-compatible bucket (MEDIA_STORAGE=s3) against a real S3 API server on loopback.

The server is moto's standalone S3-compatible server, in a process of its own on a free port:
boto3 and django-storages reach it over HTTP as they would reach a bucket elsewhere. The default
storage is the one config/settings.py builds from the MEDIA_STORAGE=s3 environment; only the
endpoint is the local server. Evidence files, the background export and the backup command are
driven through the app's own views, services and command.
"""

import io
import runpy
import select
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import boto3
import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from outputs.models import Evidence
from testing.exports import body
from testing.files import pdf_bytes, post_update, upload
from testing.workers import run_worker
from testing.workflow import save_update, seed_output

pytestmark = pytest.mark.any_database  # see pytest.ini

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "config" / "settings.py"
LOCATION = "production"
REGION = "us-east-1"
BASE = "/programmes/glo-22-31-irl"

# Runs until the test process closes its stdin (or dies), so no server outlives the tests.
SERVER = (
    "import sys\n"
    "from moto.server import ThreadedMotoServer\n"
    "server = ThreadedMotoServer(ip_address='127.0.0.1', port=0, verbose=False)\n"
    "server.start()\n"
    "print(server.get_host_and_port()[1], flush=True)\n"
    "sys.stdin.read()\n"
    "server.stop()\n"
)


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """An S3-compatible server answering on http://127.0.0.1:<free port>, and its request log."""
    # The request log goes to a file: a pipe that nobody reads would block the server.
    log = tmp_path_factory.mktemp("s3-server") / "server.log"
    with log.open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        # A server stuck before printing its port fails the tests instead of hanging them.
        assert select.select([process.stdout], [], [], 60)[0], f"the S3 server did not start: {log.read_text()}"
        line = process.stdout.readline()
        assert line.strip().isdigit(), f"the S3 server did not start: {log.read_text()}"
        endpoint = f"http://127.0.0.1:{int(line)}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(endpoint, timeout=2).close()
                break
            except urllib.error.HTTPError:
                break  # any HTTP answer: it is serving
            except OSError:
                assert time.monotonic() < deadline, f"the S3 server never answered: {log.read_text()}"
                time.sleep(0.05)
        yield SimpleNamespace(url=endpoint, log=log)
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


@pytest.fixture
def s3_media(s3_endpoint, settings, monkeypatch, tmp_path):
    """A new bucket on the server, and Django's default storage on it as settings.py configures it."""
    from django.core.files.storage import default_storage
    from storages.backends.s3 import S3Storage

    bucket = f"tracker-media-{uuid.uuid4().hex[:12]}"
    for name, value in {
        "AWS_ACCESS_KEY_ID": "tracker-test", "AWS_SECRET_ACCESS_KEY": "tracker-test-secret",
        # Never a developer's own AWS profile or region.
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": bucket, "AWS_S3_ENDPOINT_URL": s3_endpoint.url,
        "AWS_S3_REGION_NAME": REGION, "AWS_LOCATION": LOCATION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    # The settings module itself, run with that environment: the STORAGES production would have.
    configured = runpy.run_path(str(SETTINGS_FILE))
    settings.STORAGES = configured["STORAGES"]
    settings.MEDIA_STORAGE = configured["MEDIA_STORAGE"]
    settings.MEDIA_ROOT = tmp_path / "media"  # must stay empty: nothing may fall back to the disk

    client = boto3.client("s3", endpoint_url=s3_endpoint.url, region_name=REGION)
    client.create_bucket(Bucket=bucket)
    # Django drops its storages when STORAGES changes: the default storage is now this bucket.
    assert isinstance(default_storage, S3Storage)
    assert (default_storage.bucket_name, default_storage.location) == (bucket, LOCATION)

    def objects():
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return {item["Key"]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                for item in listed}

    yield SimpleNamespace(endpoint=s3_endpoint.url, bucket=bucket, client=client, objects=objects,
                          requests=s3_endpoint.log.read_text)
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*"))


def fetch(client, url, **params):
    response = client.get(url, params)
    return response.status_code, body(response)


def test_evidence_is_stored_in_the_bucket_and_served_through_the_app(users, client_for, s3_media):
    output = seed_output("MW", "1.1")
    content = pdf_bytes("Stored in the bucket")
    response = post_update(client_for(users.officer_mw), output, [upload("pdf", content=content)])
    assert response.status_code == 302

    evidence = Evidence.objects.get()
    key = f"{LOCATION}/{evidence.file.name}"
    assert s3_media.objects() == {key: content}
    # Written by the app itself over HTTP, path-style, as the server's request log shows.
    assert f'"PUT /{s3_media.bucket}/{key} HTTP/1.1" 200' in s3_media.requests()

    url = reverse("outputs:evidence", args=[evidence.pk])
    assert fetch(client_for(users.coordinator), url) == (200, content)
    assert fetch(client_for(users.officer_mw), url) == (200, content)
    # No grant on the programme: 404 as for any other page; a donor does not see a pending update.
    assert fetch(client_for(users.nogrant), url)[0] == 404
    assert fetch(client_for(users.donor), url)[0] == 404


def test_objects_are_private_and_reached_only_by_signed_urls(users, s3_media):
    from django.core.files.storage import default_storage

    output = seed_output("MW", "1.1")
    content = pdf_bytes("Private")
    evidence = save_update(output, users.officer_mw, files=[upload("pdf", content=content)]).evidence.get()
    key = f"{LOCATION}/{evidence.file.name}"

    # The server applies object ACLs to anonymous requests (a public-read object answers 200 there).
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_media.endpoint}/{s3_media.bucket}/{key}", timeout=10)
    assert refused.value.code == 403
    grants = s3_media.client.get_object_acl(Bucket=s3_media.bucket, Key=key)["Grants"]
    assert not [grant for grant in grants if grant["Grantee"].get("URI", "").endswith("/global/AllUsers")]

    # The server does not verify signatures: this shows the URL is signed and served, not that a
    # real S3 would accept its signature.
    signed = default_storage.url(evidence.file.name)
    assert "Signature=" in signed or "X-Amz-Signature=" in signed
    with urllib.request.urlopen(signed, timeout=10) as answer:
        assert answer.read() == content


def test_a_second_file_of_the_same_name_overwrites_nothing(users, client_for, s3_media):
    from django.core.files.storage import default_storage

    output = seed_output("MW", "1.1")
    first, second = pdf_bytes("First report"), pdf_bytes("Second report")
    response = post_update(client_for(users.officer_mw), output,
                           [upload("pdf", name="report.pdf", content=first),
                            upload("pdf", name="report.pdf", content=second)])
    assert response.status_code == 302
    assert sorted(s3_media.objects().values()) == sorted([first, second])
    coordinator = client_for(users.coordinator)
    for evidence, content in zip(Evidence.objects.order_by("pk"), [first, second], strict=False):
        assert fetch(coordinator, reverse("outputs:evidence", args=[evidence.pk])) == (200, content)

    # Evidence gets random names; the storage itself must also never replace an object of the
    # same name (file_overwrite off), which is what keeps one server from clobbering another's file.
    kept = default_storage.save("exports/same-name", ContentFile(b"first"))
    other = default_storage.save("exports/same-name", ContentFile(b"second"))
    assert kept == "exports/same-name" and other != kept
    objects = s3_media.objects()
    assert (objects[f"{LOCATION}/{kept}"], objects[f"{LOCATION}/{other}"]) == (b"first", b"second")


@pytest.mark.django_db(transaction=True)
def test_background_export_is_written_to_the_bucket_and_downloaded(users, client_for, settings, s3_media,
                                                                   monkeypatch):
    from reporting import tasks

    settings.EXPORT_BACKGROUND_ROWS = 10
    client = client_for(users.donor)
    response = client.get(f"{BASE}/exports/outputs.xlsx")
    assert response.status_code == 302
    job_page = response["Location"]
    job = job_page.rstrip("/").rsplit("/", 1)[-1]
    run_worker()

    status, data = fetch(client, job_page, download="1")
    assert status == 200
    assert openpyxl.load_workbook(io.BytesIO(data))["Outputs"].max_row == 64
    # The file built by the worker is an object in the bucket.
    assert s3_media.objects() == {f"{LOCATION}/exports/{job}.xlsx": data}
    assert fetch(client_for(users.coordinator), job_page, download="1")[0] == 404

    # Old exports are removed by listing the folder in the bucket: with every file counting as
    # old, the next export removes the first one's object.
    monkeypatch.setattr(tasks, "KEEP", timedelta(minutes=-5))
    second_page = client.get(f"{BASE}/exports/outputs.xlsx")["Location"]
    second = second_page.rstrip("/").rsplit("/", 1)[-1]
    run_worker()
    assert sorted(s3_media.objects()) == [f"{LOCATION}/exports/{second}.xlsx"]


@pytest.mark.django_db(transaction=True)
def test_backup_says_the_media_are_in_the_bucket(users, s3_media, tmp_path):
    save_update(seed_output("MW", "1.1"), users.officer_mw, files=[upload("pdf")])
    assert len(s3_media.objects()) == 1
    out, err = StringIO(), StringIO()
    call_command("backup", output_dir=str(tmp_path / "backups"), stdout=out, stderr=err)
    assert "0 media files" in out.getvalue()
    assert "Media files are in the s3 bucket, not in MEDIA_ROOT" in err.getvalue()
