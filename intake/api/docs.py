"""``GET /api/v1/docs``: the API's documentation page, rendered on the server from the
generated OpenAPI document, so that it says exactly what the code does. Swagger UI or ReDoc
would need a CDN (there is no internet here) and inline styles (the CSP forbids them)."""

from __future__ import annotations

import json

from flask import Flask, render_template, request

from intake.api import PREFIX

METHODS = ("get", "post", "put", "patch", "delete")


def register(app: Flask, api) -> None:
    def api_docs():
        document = api.spec.to_dict()
        page = render_template(
            "api/docs.html",
            document=document,
            tags=_tags(document),
            schemas=[_schema(name, s, document) for name, s in _components(document).items()],
            base_url=request.host_url.rstrip("/"),
        )
        return page

    app.add_url_rule(f"{PREFIX}/docs", "api_docs", api_docs, methods=["GET"])


def _components(document: dict) -> dict:
    return dict(sorted(document.get("components", {}).get("schemas", {}).items()))


def _tags(document: dict) -> list[dict]:
    """Each tag with its operations, in the document's order."""
    tags = {t["name"]: {**t, "operations": []} for t in document.get("tags", [])}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            for tag in operation.get("tags") or ["other"]:
                tags.setdefault(tag, {"name": tag, "operations": []})
                tags[tag]["operations"].append(_operation(method, path, item, operation, document))
    return [t for t in tags.values() if t["operations"]]


def _operation(method: str, path: str, item: dict, operation: dict, document: dict) -> dict:
    parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
    body = (operation.get("requestBody") or {}).get("content", {})
    security = operation.get("security", document.get("security") or [])
    schemes = sorted({name for requirement in security for name in requirement})
    return {
        "method": method.upper(),
        "path": path,
        "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
        "summary": operation.get("summary", ""),
        "description": operation.get("description", ""),
        "security": schemes,
        "key_optional": {} in security,
        "parameters": [
            {
                "name": p["name"],
                "in": p["in"],
                "required": p.get("required", False),
                "type": _type(p.get("schema", {})),
                "description": p.get("description", ""),
            }
            for p in parameters
        ],
        "bodies": [
            {
                "media_type": media,
                "schema": _ref_name(c.get("schema", {})),
                "example": _json(c["example"]) if "example" in c else "",
            }
            for media, c in body.items()
        ],
        "responses": [
            {
                "status": status,
                "description": r.get("description", ""),
                "media_types": list(r.get("content", {})),
                "schema": _ref_name(
                    next(iter(r.get("content", {}).values()), {}).get("schema", {})
                ),
            }
            for status, r in sorted(_responses(operation, document).items())
        ],
        "curl": _curl(method, path, parameters, body, schemes, security),
    }


def _responses(operation: dict, document: dict) -> dict:
    """The operation's responses, the shared ones (``$ref``) looked up."""
    shared = document.get("components", {}).get("responses", {})
    return {
        status: shared.get(r["$ref"].rsplit("/", 1)[-1], {}) if "$ref" in r else r
        for status, r in operation.get("responses", {}).items()
    }


def _curl(method, path, parameters, body, schemes, security) -> str:
    lines = [f'curl -X {method.upper()} "$BASE{_example_path(path)}"']
    if schemes and {} not in security:
        lines.append('-H "Authorization: Bearer $KEY"')
    for p in parameters:
        if p["in"] == "header":
            lines.append(f'-H "{p["name"]}: …"')
    if "application/json" in body:
        lines.append("-H 'Content-Type: application/json' -d @body.json")
    return " \\\n  ".join(lines)


def _example_path(path: str) -> str:
    return path.replace("{code}", "PAKN-2026-XXXXXXXX")


def _ref_name(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array" and "$ref" in schema.get("items", {}):
        return schema["items"]["$ref"].rsplit("/", 1)[-1] + "[]"
    return ""


def _type(schema: dict) -> str:
    """A property's type in a few characters: string, integer, date, Attachment[], …"""
    if "$ref" in schema:
        return _ref_name(schema)
    kind = schema.get("type", "")
    if isinstance(kind, list):
        kind = " | ".join(kind)
    if "array" in kind and "items" in schema:
        return _type(schema["items"]) + "[]"
    if schema.get("format"):
        kind += f" ({schema['format']})"
    if schema.get("enum"):
        kind += ": " + ", ".join(map(str, (e for e in schema["enum"] if e is not None)))
    return kind


def _schema(name: str, schema: dict, document: dict) -> dict:
    required = set(schema.get("required", []))
    example = {
        key: prop["example"]
        for key, prop in schema.get("properties", {}).items()
        if "example" in prop
    }
    return {
        "name": name,
        "description": schema.get("description", ""),
        "properties": [
            {
                "name": key,
                "type": _type(prop),
                "required": key in required,
                "description": prop.get("description", ""),
                "limits": _limits(prop),
            }
            for key, prop in schema.get("properties", {}).items()
        ],
        "example": _json(example) if example else "",
    }


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def _limits(prop: dict) -> str:
    parts = []
    for key, label in (("minLength", "≥"), ("maxLength", "≤"), ("minimum", "≥"),
                       ("maximum", "≤")):  # fmt: skip
        if key in prop:
            parts.append(f"{label} {prop[key]}")
    return ", ".join(parts)
