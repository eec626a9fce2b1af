"""OpenAPI post-processing: every operation documents the errors it can answer with."""

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "400": "Invalid input: the body says which fields and why.",
    "401": "Not authenticated.",
    "403": "Authenticated, but your role does not allow this.",
    "404": "Not found, or not in a programme you hold a grant for.",
    "405": "Method not allowed.",
}


def document_error_responses(result, generator, request, public):
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERRORS.items():
                if code == "400" and method == "get" and not operation.get("parameters"):
                    continue
                operation["responses"].setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}},
                )
    return result
