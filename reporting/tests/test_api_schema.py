"""Schemathesis against the API's own OpenAPI schema: no 5xx, and every response conforms to it."""

import json

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from testing.clients import token_header

# The schema drf-spectacular serves at /api/schema/, generated from the code (no database needed).
DOCUMENT = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))


def load_schema():
    loaded = schemathesis.openapi.from_dict(DOCUMENT)
    loaded.app = application  # requests go through the WSGI app, in the test's transaction
    return loaded


schema = load_schema()
pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=12,  # per endpoint and reader; the suite runs it on both databases
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


# No 5xx, and every response conforms to the schema: its status code, content type, headers and
# body are documented. (Schemathesis' stricter "negative data" checks would also demand a 400 for
# e.g. an empty ``?deadline_before=``, which the API, like django-filter, reads as "no filter".)
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Requests go straight to the WSGI app, whose request signals would close the database
    connection the test's transaction lives on; Django's own test client disconnects them too."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@FUZZ
def test_api_as_coordinator(case, users):
    case.call_and_validate(headers=token_header(users.coordinator), checks=CONFORMANCE)


@schema.parametrize()
@FUZZ
def test_api_as_officer(case, users):
    case.call_and_validate(headers=token_header(users.officer_mw), checks=CONFORMANCE)


@schema.parametrize()
@settings(FUZZ, max_examples=3)  # refused before the input is read: more examples would check the same 401
def test_api_anonymous(case, users):
    case.call_and_validate(checks=CONFORMANCE)


CONDITIONAL_WRITES = [("/api/outputs/{id}/updates/", "201"), ("/api/updates/{id}/approve/", "200"),
                      ("/api/updates/{id}/return/", "200")]


@pytest.mark.parametrize(("path", "success"), CONDITIONAL_WRITES)
def test_conditional_writes_are_documented(path, success):
    """Each write names the revision it was made from: If-Match is a required header, a missing or
    stale one is documented as 428 or 412, and the answer carries the new ETag."""
    operation = DOCUMENT["paths"][path]["post"]
    (if_match,) = [parameter for parameter in operation["parameters"] if parameter["name"] == "If-Match"]
    assert (if_match["in"], if_match["required"]) == ("header", True)
    assert {"412", "428"} <= set(operation["responses"])
    assert operation["responses"][success]["headers"]["ETag"]["required"] is True
    assert "`If-Match`" in DOCUMENT["info"]["description"]


@pytest.mark.parametrize("path", ["/api/outputs/{id}/", "/api/outputs/{id}/updates/", "/api/updates/{id}/"])
def test_reads_document_their_etag_and_revision(path):
    assert DOCUMENT["paths"][path]["get"]["responses"]["200"]["headers"]["ETag"]["required"] is True
    for component in ("Output", "StatusUpdate"):
        assert DOCUMENT["components"]["schemas"][component]["properties"]["revision"]["type"] == "integer"


def test_request_bodies_are_offered_as_json_only() -> None:
    """A client generated from the schema sends JSON: no form or multipart alternative is offered
    (core/tests/test_serve_nginx.py generates one and writes with it)."""
    bodies = {f"{method.upper()} {path}": sorted(operation["requestBody"]["content"])
              for path, methods in DOCUMENT["paths"].items() for method, operation in methods.items()
              if "requestBody" in operation}
    assert bodies and set(bodies) >= {"POST /api/outputs/{id}/updates/", "POST /api/updates/{id}/return/"}
    assert all(types == ["application/json"] for types in bodies.values()), bodies
