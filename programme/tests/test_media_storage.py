"""Media storage from the environment: MEDIA_ROOT on this server, or an S3-compatible bucket
(django-storages) that every app server shares. These tests check the settings only; the app's
media paths on a bucket run in test_media_s3.py, against an S3-compatible server on loopback."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(env, code):
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**base, **env}, timeout=120)


def describe(env):
    code = (
        "import django, json; django.setup()\n"
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(json.dumps({'class': type(s).__module__ + '.' + type(s).__name__,"
        " 'bucket': getattr(s, 'bucket_name', None), 'endpoint': getattr(s, 'endpoint_url', None),"
        " 'acl': getattr(s, 'default_acl', 'n/a'), 'overwrite': getattr(s, 'file_overwrite', 'n/a'),"
        " 'signed': getattr(s, 'querystring_auth', 'n/a'), 'location': getattr(s, 'location', None)}))"
    )
    result = run(env, code)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_file_system_by_default(tmp_path):
    assert describe({"BUILD_DIR": str(tmp_path)})["class"] == "django.core.files.storage.filesystem.FileSystemStorage"


def test_an_s3_compatible_bucket(tmp_path):
    found = describe({
        "BUILD_DIR": str(tmp_path), "MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "tracker-media",
        "AWS_S3_ENDPOINT_URL": "https://s3.intranet.example.org", "AWS_LOCATION": "production",
    })
    assert found == {
        "class": "storages.backends.s3.S3Storage", "bucket": "tracker-media",
        "endpoint": "https://s3.intranet.example.org", "acl": None, "overwrite": False, "signed": True,
        "location": "production",
    }


def test_s3_without_a_bucket_stops_start_up_naming_it(tmp_path):
    result = run({"BUILD_DIR": str(tmp_path), "MEDIA_STORAGE": "s3"}, "import django; django.setup()")
    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME is required with MEDIA_STORAGE=s3" in result.stderr


def test_an_unknown_storage_is_refused(tmp_path):
    result = run({"BUILD_DIR": str(tmp_path), "MEDIA_STORAGE": "ftp"}, "import django; django.setup()")
    assert result.returncode != 0 and "MEDIA_STORAGE is 'ftp': use filesystem or s3." in result.stderr
