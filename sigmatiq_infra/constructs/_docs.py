"""Field docs of props classes in `help()`.

A props field is documented by the string literal under it (the convention pdoc and IDEs
read), which Python itself drops. `document_fields(cls)` gives the class a `__doc__` that is
built, on first read, from its own docstring and those field docs, so that
`help(KeyVaultProps)` lists every field with its type, default and doc. Nothing is parsed
while the library is imported: only when a docstring is read.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import itertools
import textwrap
from typing import Any


class _FieldDocs:
    """A class's `__doc__`, composed when first read."""

    def __init__(self, own: str | None) -> None:
        self.own = own
        self.text: str | None = None

    def __get__(self, instance: Any, owner: type) -> str:
        if self.text is None:
            self.text = _compose(owner, self.own)
        return self.text


def document_fields(*classes: type) -> None:
    """Make `help()` show the field docs of each dataclass in `classes`."""
    for cls in classes:
        own = cls.__dict__.get("__doc__")
        if not isinstance(own, _FieldDocs):
            cls.__doc__ = _FieldDocs(own)  # type: ignore[assignment]


def field_docs(cls: type) -> dict[str, str]:
    """Each field's doc (the string literal under it in the class body), by field name."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    body = ast.parse(source).body[0]
    found: dict[str, str] = {}
    statements = getattr(body, "body", [])
    for statement, following in itertools.pairwise(statements):
        if (
            isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            found[statement.target.id] = inspect.cleandoc(following.value.value)
    return found


def _compose(cls: type, own: str | None) -> str:
    docs = field_docs(cls)
    lines = [own.strip()] if own and not own.startswith(f"{cls.__name__}(") else []
    if dataclasses.is_dataclass(cls):
        lines.append("Fields:")
        for field in dataclasses.fields(cls):
            kind = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", str(field.type))
            if field.default is not dataclasses.MISSING:
                default = f" = {field.default!r}"
            elif field.default_factory is not dataclasses.MISSING:
                default = f" = {field.default_factory()!r}"
            else:
                default = " (required)"
            lines.append(f"  {field.name}: {kind}{default}")
            doc = docs.get(field.name)
            if doc:
                lines.extend("      " + line for line in doc.splitlines())
    return "\n".join(lines)
