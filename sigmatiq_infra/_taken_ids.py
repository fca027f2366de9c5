"""An id its scope already holds: how jsii says it, and the problem the app reports.

The library's constructs report a taken id themselves and go on under a free one; a construct
of the engine or of the bindings (a `TerraformOutput`, an azurerm resource made directly) stops
the program with jsii's error at the line that made it. `with App()` and the launcher report
that error as the same problem. A module that imports neither the constructs nor jsii."""

from __future__ import annotations

import re
import traceback
from pathlib import Path

from sigmatiq_infra.validation import Validator

DUPLICATE_ID = "There is already a Construct with name"
"""How jsii says a scope already has a child with that id."""

_DUPLICATE_ERROR = re.compile(r"There is already a Construct with name '(.*)' in (\w+)(?: \[(.*)\])?")
_LIBRARY = str(Path(__file__).resolve().parent)


def duplicate_id_problem(error: BaseException) -> str | None:
    """The problem jsii's error for a taken id says, as the library's constructs report it,
    with the program's line that made the construct; None for any other error."""
    found = _DUPLICATE_ERROR.search(str(error)) if isinstance(error, RuntimeError) else None
    if found is None:
        return None
    id, kind, scope = found.groups()
    made = [  # the program's frames (not the library's, an installed package's or Python's own)
        (frame.f_code.co_filename, line) for frame, line in traceback.walk_tb(error.__traceback__)
        if not frame.f_code.co_filename.startswith((_LIBRARY, "<")) and "-packages" not in frame.f_code.co_filename
    ]
    at = f" (made at {made[-1][0]}, line {made[-1][1]})" if made else ""
    check = Validator(kind, scope or "the app")
    check.fail(
        "id", id, f"is already the id of another construct in it{at}",
        "one construct per id in a scope (the id is part of every Terraform address below it)",
        "give this construct an id of its own",
    )
    return check.problems[0]
