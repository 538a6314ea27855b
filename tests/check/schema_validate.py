"""A JSON Schema (draft 2020-12) validator for the subset of keywords pybuffer-check's schema
uses, written with the standard library alone so the check suite needs nothing installed.

A keyword outside the subset is an error, not ignored: the schema cannot silently come to
mean more than this validator checks.

    python3 schema_validate.py SCHEMA DOCUMENT...    exit 0 when every document is valid
"""

import json
import re
import sys

ANNOTATIONS = {"$schema", "$id", "title", "description", "$defs"}
KEYWORDS = ANNOTATIONS | {
    "type", "enum", "const", "oneOf", "anyOf", "$ref", "properties", "required",
    "additionalProperties", "propertyNames", "items", "maxItems", "minItems", "minLength",
    "pattern", "minimum", "maximum",
}

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    # JSON has no booleans among its numbers; Python's bool is an int subclass.
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _same(a, b):
    """JSON equality: 1 and true differ, as do 0 and false."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


class Validator:
    def __init__(self, schema):
        self.root = schema

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise ValueError(f"only local references are supported: {ref}")
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def errors(self, instance, schema=None, path="$"):
        """Every violation of `schema` by `instance`, as "path: message" strings."""
        schema = self.root if schema is None else schema
        if schema is True:
            return []
        if schema is False:
            return [f"{path}: not allowed"]
        unknown = set(schema) - KEYWORDS
        if unknown:
            raise ValueError(f"schema keyword(s) not supported: {sorted(unknown)}")
        found = []
        if "$ref" in schema:
            found += self.errors(instance, self.resolve(schema["$ref"]), path)
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(TYPES[name](instance) for name in names):
                return found + [f"{path}: {instance!r:.60} is not of type {names}"]
        if "const" in schema and not _same(instance, schema["const"]):
            found.append(f"{path}: {instance!r:.60} is not {schema['const']!r}")
        if "enum" in schema and not any(_same(instance, v) for v in schema["enum"]):
            found.append(f"{path}: {instance!r:.60} is not one of {schema['enum']}")
        if "oneOf" in schema:
            matches = [s for s in schema["oneOf"] if not self.errors(instance, s, path)]
            if len(matches) != 1:
                found.append(f"{path}: {instance!r:.60} matches {len(matches)} of oneOf "
                             f"(exactly 1 expected)")
        if "anyOf" in schema:
            if all(self.errors(instance, s, path) for s in schema["anyOf"]):
                found.append(f"{path}: {instance!r:.60} matches none of anyOf")
        if isinstance(instance, dict):
            found += self._object(instance, schema, path)
        if isinstance(instance, list):
            if "maxItems" in schema and len(instance) > schema["maxItems"]:
                found.append(f"{path}: {len(instance)} items, at most {schema['maxItems']}")
            if "minItems" in schema and len(instance) < schema["minItems"]:
                found.append(f"{path}: {len(instance)} items, at least {schema['minItems']}")
            if "items" in schema:
                for index, item in enumerate(instance):
                    found += self.errors(item, schema["items"], f"{path}[{index}]")
        if isinstance(instance, str):
            if "minLength" in schema and len(instance) < schema["minLength"]:
                found.append(f"{path}: shorter than {schema['minLength']}")
            if "pattern" in schema and not re.search(schema["pattern"], instance):
                found.append(f"{path}: {instance!r} does not match {schema['pattern']}")
        if TYPES["number"](instance):
            if "minimum" in schema and instance < schema["minimum"]:
                found.append(f"{path}: {instance} < {schema['minimum']}")
            if "maximum" in schema and instance > schema["maximum"]:
                found.append(f"{path}: {instance} > {schema['maximum']}")
        return found

    def _object(self, instance, schema, path):
        found = []
        for name in schema.get("required", []):
            if name not in instance:
                found.append(f"{path}: missing required property {name!r}")
        properties = schema.get("properties", {})
        for name, value in instance.items():
            if "propertyNames" in schema:
                found += self.errors(name, schema["propertyNames"], f"{path}.<{name}>")
            if name in properties:
                found += self.errors(value, properties[name], f"{path}.{name}")
            elif "additionalProperties" in schema:
                found += self.errors(value, schema["additionalProperties"], f"{path}.{name}")
        return found


def validate(instance, schema):
    return Validator(schema).errors(instance)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as file:
        schema = json.load(file)
    status = 0
    for name in argv[2:]:
        with open(name, encoding="utf-8") as file:
            problems = validate(json.load(file), schema)
        for problem in problems[:20]:
            print(f"{name}: {problem}")
        print(f"{name}: {'valid' if not problems else f'{len(problems)} error(s)'}")
        status = status or (1 if problems else 0)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
