"""A request model's input limits as plain data, read from its pydantic constraints, so a client
(the web's counters and messages) follows the API instead of copying its numbers.

`field_limits(CallIn)` → {"note": {"max_length": 2000}, "appointment.qualification.*": {...}, ...}:
the keys are the dotted paths the API's problem documents use in `errors[].field`, with `*` for
any item of a list or any value of a mapping.
"""

from __future__ import annotations

from typing import Any, cast

from pydantic import BaseModel, ConfigDict, JsonValue, RootModel

# JSON Schema keyword → the name a client reads.
_KEYWORDS = {
    "maxLength": "max_length", "minLength": "min_length", "maxItems": "max_items", "minItems": "min_items",
    "maxProperties": "max_items", "minimum": "minimum", "maximum": "maximum",
}

Limits = dict[str, dict[str, int | float]]


def field_limits(model: type[BaseModel]) -> Limits:
    """Every constrained field of `model` (nested models, lists and mappings included)."""
    schema = model.model_json_schema()
    found: Limits = {}
    _walk(schema, "", schema.get("$defs", {}), found, frozenset())
    return dict(sorted(found.items()))


def _walk(node: dict[str, Any], path: str, defs: dict[str, Any], found: Limits, seen: frozenset[str]) -> None:
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name in seen:  # a recursive model: its limits are listed once
            return
        _walk(defs.get(name, {}), path, defs, found, seen | {name})
    for branch in (*node.get("anyOf", ()), *node.get("oneOf", ()), *node.get("allOf", ())):
        _walk(branch, path, defs, found, seen)
    limits = {name: node[keyword] for keyword, name in _KEYWORDS.items() if keyword in node}
    if limits and path:
        found.setdefault(path, {}).update(limits)
    for name, child in node.get("properties", {}).items():
        _walk(child, f"{path}.{name}" if path else name, defs, found, seen)
    items = node.get("items")
    if isinstance(items, dict):
        _walk(items, f"{path}.*", defs, found, seen)
    # A mapping's values (a pattern on the keys moves them to patternProperties).
    for values in (node.get("additionalProperties"), *node.get("patternProperties", {}).values()):
        if isinstance(values, dict):
            _walk(values, f"{path}.*", defs, found, seen)
    keys = node.get("propertyNames")
    if isinstance(keys, dict):
        _walk(keys, f"{path}.<key>", defs, found, seen)


def limits_document(model: type[BaseModel], name: str) -> tuple[Limits, type[RootModel[Limits]]]:
    """`model`'s limits and the response model of an endpoint serving them (its own limits as the
    OpenAPI example)."""
    limits = field_limits(model)
    document = type(name, (RootModel[Limits],), {
        "__doc__": f"The input limits of {model.__name__}: dotted field path → its limits.",
        "model_config": ConfigDict(json_schema_extra={"examples": [cast(JsonValue, limits)]}),
        "__module__": __name__,
    })
    return limits, document
