"""Media storage from the environment: MEDIA_ROOT on this server, or an S3-compatible bucket
(django-storages) that every app server shares. These tests check the settings only; the app's
media paths on a bucket run in test_media_s3.py, against an S3-compatible server on loopback."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages

from testing.environment import settings_for


def describe(env):
    """The default storage the settings build from ``env``, as Django makes it from STORAGES."""
    storage = storages.create_storage(settings_for(env)["STORAGES"]["default"])
    return {
        "class": type(storage).__module__ + "." + type(storage).__name__,
        "bucket": getattr(storage, "bucket_name", None), "endpoint": getattr(storage, "endpoint_url", None),
        "acl": getattr(storage, "default_acl", "n/a"), "overwrite": getattr(storage, "file_overwrite", "n/a"),
        "signed": getattr(storage, "querystring_auth", "n/a"), "location": getattr(storage, "location", None),
    }


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
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME is required with MEDIA_STORAGE=s3"):
        settings_for({"BUILD_DIR": str(tmp_path), "MEDIA_STORAGE": "s3"})


def test_an_unknown_storage_is_refused(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE is 'ftp': use filesystem or s3."):
        settings_for({"BUILD_DIR": str(tmp_path), "MEDIA_STORAGE": "ftp"})
