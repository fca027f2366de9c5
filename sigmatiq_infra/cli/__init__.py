"""`sigmatiq-infra`: the library's commands for any app built on it.

- `diagram` and `cost`: a picture and a monthly estimate of any synthesized stack;
- `plan-gate`: CI's check on saved plans (refuses to replace or delete protected resources);
- `plan-test`: each stack's plan against a mocked azurerm provider (`terraform test`);
- `record-deployed`: entries for an app's deployed record, from a deployed stack's state;
- `vpn-cert`: point-to-site VPN root and client certificates.

Every command has `--help`. Errors print one clean line (`sigmatiq-infra: error: ...`) and
exit non-zero: 2 for bad input, 1 when the work itself failed; never a traceback.

An app adds its own commands (or its own defaults) with the same parts: each command
module's `register(commands, ...)` on an `argparse` parser of its own, then `run(parser)`,
which reports errors the same way.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import sys
from collections.abc import Sequence

from sigmatiq_infra import engine, runtime
from sigmatiq_infra.cli.errors import CliError
from sigmatiq_infra.engine import EngineMissing
from sigmatiq_infra.switches import library_variable_problems
from sigmatiq_infra.validation import ValidationError

DESCRIPTION = (
    "Commands of the sigmatiq-infra construct library for any app built on it: diagrams and cost "
    "estimates of synthesized stacks, the plan gate, deployed records and P2S VPN certificates."
)


class CommandParser(argparse.ArgumentParser):
    """argparse's parser (its subcommands' too) that names the likely command or choice for a
    misspelt or wrongly cased one (`sigmatiq-infra dagram`, `vpn-cert Root`), with the allowed
    ones and the fix; argparse itself only lists the choices."""

    def _check_value(self, action: argparse.Action, value: object) -> None:
        choices = action.choices
        if choices is not None and value not in choices:
            names = [str(choice) for choice in choices]
            close = [name for name in names if name.lower() == str(value).lower()] or difflib.get_close_matches(
                str(value), names, n=1,
            )
            raise argparse.ArgumentError(action, (
                f"invalid choice: {value!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
                + f". Allowed: {', '.join(names)}. Fix: "
                + (f"write {close[0]!r} instead." if close else f"pass one of those (see {self.prog} --help).")
            ))
        super()._check_value(action, value)


def parser() -> argparse.ArgumentParser:
    from sigmatiq_infra.cli import cost, diagram, plan_gate, plan_test, record, vpn_cert

    root = CommandParser(prog="sigmatiq-infra", description=DESCRIPTION)
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")
    vpn_cert.register(commands)
    diagram.register(commands)
    cost.register(commands)
    plan_gate.register(commands)
    plan_test.register(commands)
    record.register(commands)
    return root


def run(
    root: argparse.ArgumentParser, argv: Sequence[str] | None = None, *, constructs: Sequence[str] = (),
) -> int:
    """Parse `argv` with `root` and run the command it names: the exit status, every bad
    input reported as `<prog>: error: ...` lines. A command that reads facts from the
    construct classes (`loads_constructs`) starts on the fast runtime, after the engine check,
    and then imports `constructs`: the modules of an app's own construct classes, so that
    `plan-gate` guards, `cost` prices and `diagram` draws what their `facts` state."""
    arguments = root.parse_args(argv)
    prog = root.prog
    if getattr(arguments, "loads_constructs", False):
        # SIGMATIQ_ENGINE names no engine or SIGMATIQ_FULL_IMPORT is no on/off value (as synth
        # refuses them), else the engine it names is not installed
        trouble = library_variable_problems(os.environ)
        if not trouble and (not_installed := engine.missing()) is not None:
            trouble = [str(not_installed)]
        if trouble:
            for problem in trouble:
                print(f"{prog}: error: {problem}", file=sys.stderr)
            return 2
        runtime.enable()  # before the command imports the constructs (and so jsii)
        for module in constructs:
            try:
                importlib.import_module(module)
            except ImportError as error:
                print(
                    f"{prog}: error: the construct module {module!r} cannot be imported ({error}). Fix: name a module "
                    "importable from here (run from your app's folder, or install it).", file=sys.stderr,
                )
                return 2
    try:
        return arguments.run(arguments) or 0
    except ValidationError as error:
        for problem in error.problems:
            print(f"{prog}: error: {problem}", file=sys.stderr)
        return 2
    except CliError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return error.exit_code
    except EngineMissing as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    return run(parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
