"""Plugin config schemas: validation with the field named, and the secret fields they flag."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from mlconnector.platform.redaction import Secret

SECRET_KEYWORD = "secret"  # noqa: S105 - the schema keyword, not a password


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    field: str
    """Dotted path of the offending field (empty for the whole object)."""
    message: str


def check_schema(schema: Mapping[str, Any]) -> None:
    """Raise :class:`jsonschema.exceptions.SchemaError` unless ``schema`` is a valid draft 2020-12 object schema."""
    Draft202012Validator.check_schema(schema)
    if schema.get("type") != "object":
        raise SchemaError('a plugin config schema must describe an object ("type": "object")')


def _walk(schema: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    for name, spec in (schema.get("properties") or {}).items():
        path = f"{prefix}{name}"
        yield path, spec
        if spec.get("type") == "object":
            yield from _walk(spec, f"{path}.")


def secret_fields(schema: Mapping[str, Any]) -> frozenset[str]:
    """Dotted paths of every property flagged ``"secret": true``."""
    return frozenset(path for path, spec in _walk(schema) if spec.get(SECRET_KEYWORD) is True)


def validate_config(schema: Mapping[str, Any], config: Any) -> list[ConfigProblem]:
    """Every way ``config`` breaks ``schema``, each naming its field; secret values are never quoted.

    Secret fields may arrive as :class:`Secret` (a config loaded from the vault); they are checked as the strings
    they hold."""
    if isinstance(config, Mapping):
        config = dict(config)
        for path in secret_fields(schema):
            _set(config, path, lambda value: value.reveal() if isinstance(value, Secret) else value)
    validator = Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path))):
        path = ".".join(str(part) for part in error.absolute_path)
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            path = f"{path}.{missing}" if path else missing
            message = "is required"
        elif error.validator in {"type", "enum", "const"}:
            message = (
                f"must be {error.validator_value!r}"
                if error.validator != "type"
                else f"must be of type {error.validator_value}"
            )
        elif error.validator in {"minLength", "maxLength", "minimum", "maximum", "pattern", "format"}:
            message = f"fails {error.validator} {error.validator_value!r}"
        elif error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
            known = error.schema.get("properties") or {}
            for extra in sorted(name for name in error.instance if name not in known):
                field = f"{path}.{extra}" if path else extra
                problems.append(ConfigProblem(field, "is not a setting of this connector"))
            continue
        else:
            message = f"fails {error.validator}"
        problems.append(ConfigProblem(path, message))
    return problems


def _set(target: dict[str, Any], path: str, transform: Any) -> None:
    head, _, rest = path.partition(".")
    if head not in target:
        return
    if rest:
        if isinstance(target[head], dict):
            target[head] = dict(target[head])
            _set(target[head], rest, transform)
        return
    target[head] = transform(target[head])


def with_secrets_wrapped(schema: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``config`` in which every secret field's value is a :class:`Secret`."""
    result = dict(config)
    for path in secret_fields(schema):
        _set(result, path, lambda value: value if isinstance(value, Secret) else Secret(str(value)))
    return result


def public_view(schema: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``config`` safe to return or render: each secret field becomes ``{"set": true}``."""
    result = dict(config)
    for path in secret_fields(schema):
        _set(result, path, lambda value: {"set": bool(value)})
    return result


def _get(config: Mapping[str, Any], path: str) -> tuple[bool, Any]:
    node: Any = config
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _without(config: Mapping[str, Any], path: str) -> dict[str, Any]:
    head, _, rest = path.partition(".")
    result = dict(config)
    if head in result:
        if not rest:
            del result[head]
        elif isinstance(result[head], Mapping):
            result[head] = _without(result[head], rest)
    return result


def _with(config: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    head, _, rest = path.partition(".")
    result = dict(config)
    if not rest:
        result[head] = value
    else:
        inner = result.get(head)
        result[head] = _with(inner if isinstance(inner, Mapping) else {}, rest, value)
    return result


def split_secrets(schema: Mapping[str, Any], config: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``config`` without its secret fields, and the secret fields present (dotted path → value)."""
    public = dict(config)
    secrets: dict[str, Any] = {}
    for path in sorted(secret_fields(schema)):
        present, value = _get(config, path)
        if present:
            secrets[path] = value
            public = _without(public, path)
    return public, secrets


def join_secrets(config: Mapping[str, Any], secrets: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` with each dotted-path value of ``secrets`` put back in place (the inverse of
    :func:`split_secrets`)."""
    result = dict(config)
    for path, value in secrets.items():
        result = _with(result, path, value)
    return result
