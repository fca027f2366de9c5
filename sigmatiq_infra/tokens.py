"""Recognizing cdktf tokens (values known only at deploy time) in Python, without jsii."""

from __future__ import annotations

import re
import struct
from typing import Any

_STRING_TOKEN = re.compile(r"\$\{TfToken\[[^\]]+\]\}")
_LIST_TOKEN = re.compile(r"#\{TfToken\[[^\]]+\]\}")
"""How cdktf encodes a list known only at deploy time (`TerraformVariable.list_value`, a list
attribute): a list of one string that reads like this."""
_MAP_TOKEN = re.compile(r"&\{TfToken\[[^\]]+\]\}")
"""How cdktf encodes a map known only at deploy time (`Token.as_string_map`, `as_number_map`,
`as_any_map`): a mapping of one key that reads like this."""
_NUMBER_TOKEN_MARKER = 0xFDFF  # the top 16 bits of a number cdktf encodes a token in
REFERENCE = re.compile(r"\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.")
"""How a token reads once synthesized, when it refers to another resource (or, with `data.`,
a data source): `${<type>.<logical id>.` and the attribute."""


def is_token(value: Any) -> bool:
    """True when `value` is (or contains) a cdktf token, i.e. unknown until apply.

    The same answer as `cdktf.Token.is_unresolved` for strings and numbers (tested), worked
    out in Python: validation asks this for nearly every prop, and a call into jsii each
    time would cost a round trip to Node.js.
    """
    if isinstance(value, str):
        return _STRING_TOKEN.search(value) is not None
    if isinstance(value, float):
        return struct.unpack(">Q", struct.pack(">d", value))[0] >> 48 == _NUMBER_TOKEN_MARKER
    if isinstance(value, (list, tuple)):
        return len(value) == 1 and isinstance(value[0], str) and _LIST_TOKEN.fullmatch(value[0]) is not None
    if isinstance(value, dict):
        return len(value) == 1 and isinstance(key := next(iter(value)), str) and _MAP_TOKEN.fullmatch(key) is not None
    if isinstance(value, (int, bool)) or value is None:
        return False
    # A token that is no string or number (`TerraformVariable.boolean_value`, a list or map
    # reference): jsii hands it over as a proxy of cdktf's IResolvable, or, typed `any`
    # (`TerraformVariable.value`, a map variable's only form), as an opaque one.
    return any(
        type(delegate).__name__ in ("_IResolvableProxy", "Opaque") for delegate in getattr(value, "_delegates", ())
    )


TOKEN_SHOWN = "<Terraform expression>"
"""How a message shows a value known only at deploy time (never its placeholder)."""


def readable(value: Any, shown: str = TOKEN_SHOWN) -> str:
    """`value` as a message's sentence says it: each token in it as `shown`, not its placeholder."""
    if isinstance(value, str):
        return _STRING_TOKEN.sub(shown, value)
    return shown if is_token(value) else str(value)
