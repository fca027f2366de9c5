"""`plan-gate`: the CI check on saved plans (see `sigmatiq_infra.plan_gate`).

After `cdktf diff <stack>` (which saves `cdktf.out/stacks/<stack>/plan`), CI writes the plan
as JSON (`terraform show -json plan > plan.json` in that folder) and runs
`sigmatiq-infra plan-gate shared beta prod --record deployed.toml --summary "$GITHUB_STEP_SUMMARY"`.

An app whose settings hold `Replacement` opt-ins runs the gate through a command of its own
that knows them: `register(commands, record=..., replacements=...)` on its own parser.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from sigmatiq_infra.cli.errors import CliError, path_argument, read_json
from sigmatiq_infra.cli.stacks import (
    add_synth_output,
    check_stack_name,
    is_stack_document,
    stack_names,
    warn_unloaded_classes,
)
from sigmatiq_infra.deployed import DeployedRecord, Replacement

Replacements = Callable[[], Mapping[str, Sequence[Replacement]]]
"""The replacement opt-ins of an app, per stack (read when the command runs)."""


def register(
    commands: argparse._SubParsersAction, *, record: Path | None = None, replacements: Replacements | None = None,
) -> None:
    """Add `plan-gate` to `commands`; `record` is the default of `--record`, `replacements`
    gives the app's opt-ins."""
    command = commands.add_parser(
        "plan-gate", help="summarize saved plans and refuse destructive ones",
        description=(
            "Read each stack's saved plan (cdktf.out/stacks/<stack>/plan.json, from `terraform show -json "
            "plan`), print a table of creates, updates, replacements, deletes and imports, and exit 1 when a "
            "plan would replace or delete a protected, adopted or recorded resource without a Replacement opt-in."
        ),
    )
    command.add_argument("stacks", metavar="STACK", nargs="+", help="stacks whose plans to check")
    add_synth_output(command)
    command.add_argument(
        "--plan-json", type=path_argument, default="plan.json",
        help="plan file name in each stack folder (default: %(default)s)",
    )
    command.add_argument(
        "--record", type=path_argument, default=record,
        help="the deployed record (TOML, from record-deployed); its resources are protected too"
        + (" (default: %(default)s)" if record else ""),
    )
    command.add_argument(
        "--summary", type=path_argument, help="also append the table to this file (e.g. $GITHUB_STEP_SUMMARY)",
    )
    command.add_argument(
        "--drift", action="store_true",
        help="also list every change and exit 1 when any plan would change anything (the scheduled drift check)",
    )
    command.set_defaults(run=gate, replacements=replacements, loads_constructs=True, app_record=record)


def gate(arguments: argparse.Namespace) -> int:
    from sigmatiq_infra import plan_gate
    from sigmatiq_infra.constructs import resource_facts

    replacements = arguments.replacements() if arguments.replacements else {}
    known = resource_facts()
    holds = {kind: facts.holds for kind, facts in known.items() if facts.holds}
    record = (
        _record(arguments.record, arguments.record == arguments.app_record) if arguments.record else DeployedRecord()
    )
    stacks, refused = {}, {}
    available = stack_names(arguments.out)
    for stack in arguments.stacks:
        if available:
            check_stack_name(stack, arguments.out, available, "plan-gate")
        folder = arguments.out / "stacks" / stack
        plan, config = _read(folder / arguments.plan_json), _read(folder / "cdk.tf.json")
        _check_plan(plan, folder / arguments.plan_json)
        if not is_stack_document(config):
            raise CliError(
                f"plan-gate: {folder / 'cdk.tf.json'} is not a synthesized stack (no object of resources by type). "
                "Fix: run `cdktf synth` (or `cdktf diff`) again."
            )
        stacks[stack] = plan_gate.changes_of(plan)
        refused[stack] = plan_gate.blocked(
            stack, stacks[stack], config, record, replacements.get(stack, ()), holds,
        )
    warn_unloaded_classes("plan-gate", (
        change.type for changes in stacks.values() for change in changes
        if change.kind in ("replace", "delete") and change.type not in known
    ), "facts about {types}, which the plans replace or delete: the gate cannot tell whether they hold data (it "
       "still refuses what is adopted, recorded or has prevent_destroy)")
    report = plan_gate.summary(stacks, refused)
    changed = plan_gate.drift(stacks) if arguments.drift else []
    if arguments.drift:
        heading = "Drift: the deployed estate differs from the code; these changes would be made:"
        report += (
            "\n" + "\n".join([heading, *changed]) + "\n" if changed
            else "\nNo drift: the deployed estate matches the code.\n"
        )
    print(report, end="")
    if arguments.summary:
        try:
            with arguments.summary.open("a") as file:
                file.write(report)
        except OSError as problem:
            raise CliError(
                f"plan-gate: cannot write the summary to {arguments.summary} ({problem.strerror or problem}). Fix: "
                "pass --summary a file this process can write (in CI, \"$GITHUB_STEP_SUMMARY\"), or leave it out.",
            ) from None
    return 1 if any(refused.values()) or changed else 0


def _check_plan(plan: object, path: Path) -> None:
    """A plan as `terraform show -json` writes it, as far as the gate reads it; else one CliError
    (a plan the gate misread would pass unchecked)."""
    why = None
    changes = plan.get("resource_changes", []) if isinstance(plan, dict) else None
    if not isinstance(plan, dict) or "format_version" not in plan:
        why = "no format_version: not a plan Terraform wrote"
    elif not isinstance(changes, list):
        why = "resource_changes is not a list"
    else:
        for index, entry in enumerate(changes):
            change = entry.get("change") if isinstance(entry, dict) else None
            if not isinstance(entry, dict) or not isinstance(entry.get("address"), str):
                why = f"resource_changes[{index}] has no address"
            elif not isinstance(change, dict) or not isinstance(change.get("actions"), list) or not all(
                isinstance(action, str) for action in change["actions"]
            ):
                why = f"resource_changes[{index}] ({entry['address']}) has no change.actions"
            else:
                lacking = [key for key in ("mode", "type", "name") if not isinstance(entry.get(key), str)]
                if lacking:  # without its mode the change was skipped; without its type, no type was judged
                    why = f"resource_changes[{index}] ({entry['address']}) has no {', '.join(lacking)}"
            if why:
                break
    if why:
        raise CliError(
            f"plan-gate: {path} is not a Terraform plan ({why}). Fix: write it with `terraform show -json "
            "<plan file> > plan.json` from the plan `cdktf diff` (or `terraform plan -out`) saved."
        )


def _record(path: Path, app_default: bool = False) -> DeployedRecord:
    """The record at `path`; `app_default`: it is the record the app's own command reads when
    --record is left out, so leaving it out is no fix."""
    from sigmatiq_infra.deployed import parse_record

    try:  # read here, not with load_record: the command says its own fix for each failure
        return parse_record(path.read_text(), source=str(path))
    except FileNotFoundError:
        raise CliError(
            f"plan-gate: the deployed record {path} does not exist. Fix: " + (
                f"run the command where {path} is, or pass --record with the app's record file (an app with "
                "nothing deployed yet keeps it empty until record-deployed writes its entries)." if app_default else
                "pass --record with the app's record file (record-deployed writes its entries), or leave --record out."
            )
        ) from None
    except (ValueError, KeyError) as problem:
        raise CliError(f"plan-gate: the deployed record {path} is not a record ({problem}). Fix: repair it.") from None
    except OSError as problem:  # a folder, no permission to read it, ...
        raise CliError(
            f"plan-gate: the deployed record {path} cannot be read ({problem.strerror or problem}). Fix: pass "
            "--record with the record file itself (TOML)" + ("." if app_default else ", or leave --record out.")
        ) from None


def _read(path: Path) -> dict:
    return read_json(
        path, "plan-gate",
        missing_fix=f"run `cdktf diff <stack>`, then `terraform show -json plan > plan.json` in {path.parent}.",
        malformed_fix="write it with terraform show -json.",
    )
