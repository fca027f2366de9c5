"""`record-deployed`: record a deployed stack in the app's deployed record, from its real state.

Once a stack is deployed (after its first complete deploy), its resources' deployed values of
the replacement-forcing arguments are read from Terraform's state, not from settings, and
printed as record entries to review and append:
`sigmatiq-infra record-deployed prod --state state.json >> deployed.toml`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sigmatiq_infra.cli.errors import CliError, read_json
from sigmatiq_infra.cli.stacks import add_synth_output, check_stack_name, stack_names


def register(commands: argparse._SubParsersAction, record: str = "the app's deployed record") -> None:
    """Add `record-deployed` to `commands`; `record` names the app's record file in its help."""
    command = commands.add_parser(
        "record-deployed", help="print record entries for a deployed stack, from its state",
        description=(
            f"Print entries for {record} from a stack's Terraform state, as "
            "`terraform show -json` prints it (run it in cdktf.out/stacks/<stack> after the deploy). "
            "Review them and append them to the record; synth then refuses settings that would replace "
            "or delete those resources."
        ),
    )
    command.add_argument("stack", metavar="STACK", help="the stack the state belongs to, e.g. prod")
    command.add_argument("--state", type=Path, required=True, help="output of `terraform show -json`")
    add_synth_output(command)
    command.set_defaults(run=record_stack, loads_constructs=True)


def record_stack(arguments: argparse.Namespace) -> int:
    from sigmatiq_infra.constructs import resource_facts
    from sigmatiq_infra.deployed import record_from_state

    available = stack_names(arguments.out)
    if available:  # a record under a name no stack has guards nothing (records are looked up by stack)
        check_stack_name(
            arguments.stack, arguments.out, available, "record-deployed",
            "pass the stack's id as written in the app (entries under another name protect nothing)",
        )
    state = read_json(
        arguments.state, "record-deployed",
        missing_fix=(
            f"run `terraform show -json > state.json` in cdktf.out/stacks/{arguments.stack} and pass that file."
        ),
    )
    if not isinstance(state, dict) or "values" not in state:
        raise CliError(
            f"record-deployed: {arguments.state} holds no state values. Fix: pass the output of "
            "`terraform show -json` (without a plan file) after the stack was deployed.",
        )
    try:
        entries = record_from_state(arguments.stack, state, resource_facts())
    except ValueError as problem:
        raise CliError(
            f"record-deployed: {arguments.state} is not Terraform state ({problem}). Fix: pass the output of "
            "`terraform show -json` (without a plan file) after the stack was deployed.",
        ) from None
    if not available:
        print(
            f"record-deployed: warning: no synthesized stack in {arguments.out} to check the name "
            f"{arguments.stack!r} against (entries under a name no stack has protect nothing). Fix: run `cdktf "
            "synth` first, or pass --out with your app's output folder.", file=sys.stderr,
        )
    print(f"# {arguments.stack}: recorded from its Terraform state", end="\n\n" if entries else "\n")
    print(entries, end="")
    return 0
