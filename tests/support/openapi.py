"""Reading an OpenAPI document as its reader would: references followed, a body's examples found."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]


def resolve(document: Json, schema: Json) -> Json:
    """The schema a `$ref` (or a chain of them) names in the document's components."""
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def body_examples(document: Json, content: Json) -> list[Any]:
    """The examples a reader of the docs sees for a body: the media type's, else its schema's."""
    if "example" in content:
        return [content["example"]]
    if "examples" in content:
        return [e["value"] for e in content["examples"].values()]
    schema = content.get("schema", {})
    for candidate in [schema, *schema.get("anyOf", [])]:  # an optional body is anyOf [model, null]
        found = resolve(document, candidate).get("examples")
        if found:
            return list(found)
    return []
