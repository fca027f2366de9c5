"""Building jsii's requests with less work (part of the direct kernel, same jsii release).

Every construct, property read and call is a request that jsii's Python runtime builds in
two passes. `_make_reference_for_native` turns each argument into its wire form, and a
struct into every one of its fields, set or not: a container app's config has 30 fields,
most of them unset, each sent as `null`. Then cattrs walks the whole request once more,
value by value, to copy it into plain data for `json.dumps`. The kernel reads a struct's
`null` fields as absent (its `mapValues` keeps only defined values), so a request without
them says exactly the same.

- A struct of a generated class is sent with the fields it holds (its `_values`), in the
  class's order. A subclass (whose getters may answer differently) and every other kind of
  value take jsii's own path.
- A request is copied into plain data by one walk that keeps strings, numbers, booleans,
  None, lists and dicts as they are and hands any other value to jsii's converter, as
  cattrs did.
- Which of a class's members its Python subclass overrides is worked out once per class,
  not on every construct.

`install()` runs once the kernel has started (`sigmatiq_infra._kernel.start`). Nothing
here runs at import. The synthesized JSON is byte-identical either way (tested).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_SCALARS = (str, int, float, bool, type(None))
_installed = False


def install() -> None:
    """Build this process's jsii requests the lean way (once; the kernel has started)."""
    global _installed
    if _installed:
        return
    import attr
    from jsii import _kernel
    from jsii._kernel import types
    from jsii._runtime import kernel

    own_reference = _kernel._make_reference_for_native
    own_overrides = _kernel._get_overides
    _kernel._make_reference_for_native = lean_reference(own_reference)
    _kernel._get_overides = overrides_once_per_class(own_overrides)
    converter = kernel.provider._process._serializer
    for request, api in REQUESTS.items():
        fields = tuple(field.name for field in attr.fields(getattr(types, request)))
        converter.register_unstructure_hook(getattr(types, request), plain_request(converter, fields, api))
    _installed = True


REQUESTS = {
    "LoadRequest": "load", "GetScriptCommandRequest": "getBinScriptCommand", "CreateRequest": "create",
    "DeleteRequest": "del", "GetRequest": "get", "StaticGetRequest": "sget", "SetRequest": "set",
    "StaticSetRequest": "sset", "InvokeRequest": "invoke", "StaticInvokeRequest": "sinvoke",
    "BeginRequest": "begin", "StaticBeginRequest": "sbegin", "EndRequest": "end",
    "CallbacksRequest": "callbacks", "CompleteRequest": "complete", "StatsRequest": "stats",
}
"""Each request type and the `api` name jsii's process provider gives it."""


def lean_reference(own: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """jsii's `_make_reference_for_native`, sending a generated struct's set fields only."""

    def reference(kernel: Any, value: Any) -> Any:
        kind = type(value)
        if kind in _SCALARS:
            return value
        if kind is dict:
            return {"$jsii.map": {key: reference(kernel, item) for key, item in value.items()}}
        if kind is list:
            return [reference(kernel, item) for item in value]
        mapping = kind.__dict__.get("__jsii_name_mapping__")  # the generated class itself
        held = getattr(value, "_values", None) if mapping is not None else None
        if type(held) is dict:
            return {"$jsii.struct": {"fqn": kind.__jsii_type__, "data": {
                wire: reference(kernel, held[name]) for name, wire in mapping.items() if name in held
            }}}
        return own(kernel, value)

    reference.__wrapped__ = own  # type: ignore[attr-defined]
    return reference


def overrides_once_per_class(own: Callable[[type, Any], list]) -> Callable[[type, Any], list]:
    """jsii's `_get_overides(klass, obj)`, which depends on the two classes only, kept per pair."""
    found: dict[tuple[type, type], list] = {}

    def overrides(klass: type, obj: Any) -> list:
        key = (klass, type(obj))
        if key not in found:
            found[key] = own(klass, obj)
        return list(found[key])

    overrides.__wrapped__ = own  # type: ignore[attr-defined]
    return overrides


def plain_request(converter: Any, fields: tuple[str, ...], api: str) -> Callable[[Any], dict]:
    """A request as the plain dict jsii's process provider sends (its fields, then `api`)."""

    def plain(value: Any) -> Any:
        kind = type(value)
        if kind in _SCALARS:
            return value
        if kind is dict:
            return {key: plain(item) for key, item in value.items()}
        if kind is list:
            return [plain(item) for item in value]
        return converter.unstructure(value)

    def unstructure(request: Any) -> dict:
        found = {name: plain(getattr(request, name)) for name in fields}
        found["api"] = api
        return found

    return unstructure
