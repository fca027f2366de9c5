"""`record-deployed`: record a deployed stack in the app's deployed record, from its real state.

Once a stack is deployed (after its first complete deploy), its resources' deployed values of
the replacement-forcing arguments are read from Terraform's state, not from settings, and
printed as record entries to review and append:
`sigmatiq-infra record-deployed prod --state state.json >> deployed.toml`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sigmatiq_infra.cli.errors import CliError, json_text, path_argument, read_json
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
    command.add_argument("--state", type=path_argument, required=True, help="output of `terraform show -json`")
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
        malformed_fix=(
            f"pass the output of `terraform show -json` (run in cdktf.out/stacks/{arguments.stack} after the deploy)."
        ),
    )
    if isinstance(state, dict) and "values" not in state and "format_version" in state and not {
        "planned_values", "resource_changes", "prior_state",
    } & state.keys():  # what `terraform show -json` prints for a state that holds no resource
        raise CliError(
            f"record-deployed: {arguments.state} is an empty state: nothing of stack {arguments.stack!r} is deployed "
            "in it, so there is nothing to record. Fix: deploy the stack first, then run `terraform show -json > "
            f"state.json` in cdktf.out/stacks/{arguments.stack} (where its state is) and pass that file.",
        )
    if not isinstance(state, dict) or "values" not in state:
        raise CliError(
            f"record-deployed: {arguments.state} holds no state values. Fix: pass the output of "
            "`terraform show -json` (without a plan file) after the stack was deployed.",
        )
    if available:
        _check_state_of_stack(arguments.stack, state, arguments.out, available, arguments.state)
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


def _check_state_of_stack(stack: str, state: dict, out: Path, available: list[str], path: Path) -> None:
    """A CliError when the state holds none of `stack`'s resources and another synthesized stack
    holds them: its entries, recorded under `stack`, would each stop synth as a resource that
    left the stack (in an app of several stacks, `cdktf.out/stacks/<stack>` is easily mixed up)."""
    values = state.get("values")
    module = values.get("root_module") if isinstance(values, dict) else None
    resources = module.get("resources") if isinstance(module, dict) else None
    deployed = {  # by address and Azure name: stacks of one app often share construct ids
        (item["type"], item["name"], item["values"]["name"]) for item in resources or ()
        if isinstance(item, dict) and item.get("mode") == "managed" and isinstance(item.get("type"), str)
        and isinstance(item.get("name"), str) and isinstance(item.get("values"), dict)
        and isinstance(item["values"].get("name"), str)
    }

    def held(name: str) -> set[tuple[str, str, str]]:
        try:
            document = json.loads(json_text(out / "stacks" / name / "cdk.tf.json"))
        except (OSError, ValueError):
            return set()
        found = document.get("resource", {}) if isinstance(document, dict) else {}
        return {
            (kind, logical, config.get("name")) for kind, configs in found.items() if isinstance(configs, dict)
            for logical, config in configs.items() if isinstance(config, dict)
        }

    if not deployed or deployed & held(stack):
        return
    others = [name for name in available if name != stack and deployed & held(name)]
    if others:
        raise CliError(
            f"record-deployed: {path} holds none of the resources of stack {stack!r}, but those of stack "
            f"{others[0]!r}. Fix: pass the state of {stack} (`terraform show -json` in {out}/stacks/{stack}), or "
            f"record it as {others[0]}: record-deployed {others[0]} --state {path}."
        )
