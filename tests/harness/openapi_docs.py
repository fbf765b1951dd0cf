"""Reading an OpenAPI document the way the docs tests check it: schemas behind $refs and examples."""

from __future__ import annotations


def resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def has_examples(spec: dict, schema: dict) -> bool:
    schema = resolve(spec, schema)
    if schema.get("examples") or schema.get("example"):
        return True
    variants = schema.get("anyOf") or schema.get("oneOf")  # an answer of one of several shapes: each has its own
    if variants:
        return all(has_examples(spec, variant) for variant in variants)
    items = schema.get("properties", {}).get("items")  # a page: examples live on the item schema
    return bool(items and has_examples(spec, items.get("items", {})))
