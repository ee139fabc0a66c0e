"""The OpenAPI document is committed (docs/openapi.yaml) and must match the code: a change to
an endpoint without `make schema` fails here, so clients can trust the committed file."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def test_the_committed_openapi_document_matches_the_code():
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--lang", "nl", stdout=out)
    assert out.getvalue() == COMMITTED.read_text(), (
        "docs/openapi.yaml is out of date: run `make schema` and commit it."
    )


def test_the_schema_and_its_documentation_are_served(client, db):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3.0.3" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    # Swagger UI comes from our own static files, never from a CDN.
    assert b"drf_spectacular_sidecar/swagger-ui-dist" in docs.content
    assert b"cdn" not in docs.content.lower()
    # Inline styles for the documentation page only; scripts stay our own files.
    policy = docs["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy + ";"
