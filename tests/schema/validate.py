#!/usr/bin/python3
"""validate.py SCHEMA FILE...: validate JSON documents against a JSON Schema.

FILE "-" reads stdin.  Prints "FILE: ok" or "FILE: <where>: <what>" for each
error; exit 0 when every file is valid, 1 when one is not (or cannot be
read), 2 on usage or a schema that is not itself valid.  Uses Debian's
python3-jsonschema (draft 2020-12); no network, no format checks.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("validate.py: needs python3-jsonschema (scripts/deps.sh installs it)")


def load(path):
    if path == "-":
        return json.load(sys.stdin)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def where(error):
    return "/" + "/".join(str(p) for p in error.absolute_path)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    try:
        schema = load(argv[1])
        cls = jsonschema.validators.validator_for(schema, jsonschema.Draft202012Validator)
        cls.check_schema(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print(f"validate.py: schema {argv[1]}: {e}", file=sys.stderr)
        return 2
    validator = cls(schema)
    status = 0
    for path in argv[2:]:
        try:
            doc = load(path)
        except (OSError, ValueError) as e:
            print(f"{path}: cannot read: {e}")
            status = 1
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            print(f"{path}: {where(e)}: {e.message}")
        if errors:
            status = 1
        else:
            print(f"{path}: ok")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
