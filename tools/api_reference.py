"""Build the API reference (HTML) from the library's docstrings with pdoc.

    python tools/api_reference.py [OUTPUT_DIR]      (default: docs/api, which git ignores)

Any warning pdoc gives (a docstring that does not render, an `__all__` entry that does not
resolve) is an error: the command prints them and exits 1, so a broken docstring fails CI.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import sys
import warnings
from pathlib import Path

MODULES = (
    "sigmatiq_infra.constructs",
    "sigmatiq_infra.stacks",
    "sigmatiq_infra.aspects",
    "sigmatiq_infra.adoption",
    "sigmatiq_infra.cli",
    "sigmatiq_infra.synthesis",
    "sigmatiq_infra.testing",
    "sigmatiq_infra.plan_test",
    "sigmatiq_infra.validation",
    "sigmatiq_infra.runtime",
    "sigmatiq_infra.launch",
    "sigmatiq_infra.certificates",
    "sigmatiq_infra.plan_gate",
    "sigmatiq_infra.deployed",
)
"""The public modules, each with its own page (`sigmatiq_infra` itself only re-exports)."""


def build(output: Path, modules: tuple[str, ...] = MODULES) -> list[str]:
    """Write the reference into `output`; return pdoc's warnings (none when all is well)."""
    from sigmatiq_infra import runtime

    runtime.enable(quiet=True)  # the reference imports the bindings: on the fast path
    import pdoc
    import pdoc.render

    # No source view: the reference documents the API (the source is in the repository), and
    # highlighting every function's source is most of the build's time.
    pdoc.render.configure(docformat="markdown", footer_text="sigmatiq-infra API reference", show_source=False)
    with warnings.catch_warnings(record=True) as caught, _each_source_parsed_once():
        warnings.simplefilter("always")
        pdoc.pdoc(*modules, output_directory=output)
    return [str(warning.message) for warning in caught]


@contextlib.contextmanager
def _each_source_parsed_once():
    """For the build, one syntax tree per source text. Python 3.11's `inspect` parses a
    class's whole module again every time it looks up the class's source, and pdoc looks up
    every documented class's, the bases from cdktf (a 1.4 MB module) among them: 570 parses
    of 409 texts, half of the build's time. `inspect` and pdoc only read the trees."""
    original = ast.parse
    ast.parse = functools.lru_cache(maxsize=None)(original)
    try:
        yield
    finally:
        ast.parse = original


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "docs" / "api"
    found = build(output)
    for message in found:
        print(f"api reference: {message}", file=sys.stderr)
    if found:
        print(f"api reference: {len(found)} warning(s); fix the docstrings above.", file=sys.stderr)
        return 1
    print(f"api reference: {len(MODULES)} modules -> {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
