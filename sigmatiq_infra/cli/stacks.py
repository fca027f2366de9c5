"""Reading a synthesized stack (`cdktf.out/stacks/<stack>/cdk.tf.json`) for the commands."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sigmatiq_infra.cli.errors import CliError, json_text, path_argument
from sigmatiq_infra.tokens import REFERENCE


@dataclass
class Resource:
    address: str
    """`azurerm_key_vault.Vault_23237E5B` or `data.azurerm_key_vault.SharedVault_1595D576`."""
    tf_type: str
    logical_id: str
    config: dict[str, Any]
    data: bool = False

    @property
    def name(self) -> str:
        name = self.config.get("name")
        return name if isinstance(name, str) and "${" not in name else self.logical_id


@dataclass
class Stack:
    name: str
    document: dict[str, Any]
    resources: dict[str, Resource] = field(default_factory=dict)

    def referenced(self, value: Any) -> Resource | None:
        """The resource a `${type.id.attribute}` expression points at."""
        if not isinstance(value, str):
            return None
        match = REFERENCE.search(value)
        if not match:
            return None
        prefix = "data." if match.group(1) else ""
        return self.resources.get(f"{prefix}{match.group(2)}.{match.group(3)}")


SYNTH_OUTPUT = Path("cdktf.out")


def add_synth_output(command: argparse.ArgumentParser) -> None:
    """`--out`: the folder `cdktf synth` wrote (what every command that reads stacks takes)."""
    command.add_argument("--out", type=path_argument, default=SYNTH_OUTPUT, help="synth output (default: %(default)s)")


def stack_names(outdir: Path) -> list[str]:
    """The stacks synthesized into `outdir` (`stacks/<name>/cdk.tf.json`)."""
    return sorted(path.parent.name for path in (outdir / "stacks").glob("*/cdk.tf.json"))


def check_stack_name(
    name: str, outdir: Path, available: Sequence[str], command: str = "", fix: str = "pass one of those",
) -> None:
    """A CliError naming the likely stack when `name` is none of the `available` stacks
    synthesized into `outdir` (`command`, e.g. `plan-gate`, starts the message)."""
    if name in available:
        return
    close = difflib.get_close_matches(name, available, n=1)
    likely = f" (did you mean {close[0]!r}?)" if close else ""
    raise CliError(
        f"{command + ': ' if command else ''}unknown stack {name!r}{likely}. Allowed: the stacks in {outdir}: "
        f"{', '.join(available)}. Fix: {fix}."
    )


def warn_unloaded_classes(command: str, types: Iterable[str], problem: str) -> None:
    """One warning line on stderr for resource types no construct class the command loaded
    states facts about (an app's own classes are loaded by its own commands)."""
    listed = ", ".join(sorted(set(types)))
    if listed:
        print(
            f"{command}: warning: no construct class states {problem.format(types=listed)}. Fix: for your own "
            f"construct classes, run {command} from your app's commands, which load them: cli.run(parser, "
            "constructs=['your.module']).", file=sys.stderr,
        )


def is_stack_document(document: Any) -> bool:
    """Whether `document` is shaped as cdktf writes a stack, as far as the commands read it:
    resources and data sources by type, then by id, each an object; outputs by name, each an
    object; import blocks a list of objects."""
    if not isinstance(document, dict):
        return False
    sections = [document.get(section, {}) for section in ("resource", "data")]
    outputs, imports = document.get("output", {}), document.get("import", [])
    return (
        all(
            isinstance(section, dict) and all(
                isinstance(block, dict) and all(isinstance(config, dict) for config in block.values())
                for block in section.values()
            )
            for section in sections
        )
        and isinstance(outputs, dict) and all(isinstance(output, dict) for output in outputs.values())
        and isinstance(imports, list) and all(isinstance(block, dict) for block in imports)
    )


def load_stack(name: str, outdir: Path) -> Stack:
    """Any synthesized stack of any app."""
    available = stack_names(outdir)
    if not available:
        raise CliError(
            f"no synthesized stack in {outdir}. Fix: run `cdktf synth` first, or pass --out "
            "with your app's output folder."
        )
    check_stack_name(name, outdir, available)
    path = outdir / "stacks" / name / "cdk.tf.json"
    try:
        document = json.loads(json_text(path))
    except ValueError as problem:
        raise CliError(f"{path} is not valid JSON ({problem}). Fix: run `cdktf synth` again.") from None
    except OSError as problem:
        raise CliError(f"cannot read {path} ({problem.strerror}).") from None
    if not is_stack_document(document):
        raise CliError(f"{path} is not a synthesized stack (no object of resources by type). Fix: run `cdktf synth` "
                       "again.")
    stack = Stack(name, document)
    for data, section in ((False, "resource"), (True, "data")):
        for tf_type, resources in document.get(section, {}).items():
            for logical_id, config in resources.items():
                resource = Resource(
                    f"{'data.' if data else ''}{tf_type}.{logical_id}", tf_type, logical_id, config, data,
                )
                stack.resources[resource.address] = resource
    return stack
