"""The one error type commands raise: a message a person can act on, and an exit code."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


class CliError(Exception):
    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def path_argument(text: str) -> Path:
    """argparse's `type` for a path option: `Path(text)`, but an empty text (an unset shell
    variable, `--out-dir "$KEYS"`) is refused, where `Path("")` would be the working folder
    and, say, private keys would go there."""
    if not text:
        raise argparse.ArgumentTypeError(
            "the path '' is empty (an unset shell variable?). Allowed: a file or folder path. "
            "Fix: give the path (is the variable set?)."
        )
    return Path(text)


def json_text(path: Path) -> str:
    """The text of the JSON file `path` as Windows writes it too: Windows PowerShell's `>` writes
    UTF-16 with a byte order mark, its `Out-File -Encoding utf8` UTF-8 with one (which Python's
    `json` refuses); both are read, CRLF line ends are JSON whitespace. UnicodeDecodeError (a
    ValueError) when it is neither."""
    data = path.read_bytes()
    return data.decode("utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else data.decode("utf-8-sig")


def read_json(path: Path, command: str, *, missing_fix: str, malformed_fix: str = "") -> Any:
    """The JSON document in `path`, or one CliError naming the command, the file and the fix
    (`missing_fix` when the file does not exist, `malformed_fix` when it is not JSON), read as
    `json_text` reads it."""
    try:
        return json.loads(json_text(path))
    except FileNotFoundError:
        raise CliError(f"{command}: {path} does not exist. Fix: {missing_fix}") from None
    except IsADirectoryError:
        raise CliError(f"{command}: {path} is a folder, where a JSON file goes. Fix: {missing_fix}") from None
    except ValueError as problem:
        fix = f" Fix: {malformed_fix}" if malformed_fix else ""
        raise CliError(f"{command}: {path} is not JSON ({problem}).{fix}") from None
    except OSError as problem:
        raise CliError(f"{command}: cannot read {path} ({problem.strerror}).") from None
