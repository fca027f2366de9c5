"""The record of what is deployed, and the check that no setting replaces or deletes it.

Azure fixes some arguments at creation (a server's location, its geo-redundant backups, a
vault's name): Terraform can only honour a change to one by destroying the resource and
creating it again. For an adopted resource that means an `import` followed by the loss of
everything it holds. `data/deployed.toml` records the deployed value of every such
argument, written from the deployed inventory (never from the settings it guards). After
each synth, every stack is compared with it; a difference stops synth with the resource,
the argument, the deployed and the new value, unless the stack's settings carry a
`Replacement` opt-in for exactly that change, with its reason.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources as package_files
from pathlib import Path
from typing import Any

from sigmatiq_infra.settings import Replacement
from sigmatiq_infra.validation import Validator

RECORD = "sigmatiq_infra/data/deployed.toml"
DELETE = "delete"
"""The `Replacement.argument` that lets a deployed resource leave its stack."""


@dataclass(frozen=True)
class DeployedResource:
    stack: str
    type: str
    name: str
    arguments: Mapping[str, Any] = field(default_factory=dict)
    """Deployed values of the arguments that force replacement."""
    unset: tuple[str, ...] = ()
    """Arguments that force replacement and were never set."""


def load_record(text: str | None = None) -> tuple[DeployedResource, ...]:
    """The record (`data/deployed.toml` unless `text` is given)."""
    if text is None:
        text = package_files.files("sigmatiq_infra").joinpath("data/deployed.toml").read_text()
    return tuple(
        DeployedResource(
            stack=entry["stack"], type=entry["type"], name=entry["name"],
            arguments=dict(entry.get("arguments", {})), unset=tuple(entry.get("unset", ())),
        )
        for entry in tomllib.loads(text).get("resource", [])
    )


def check_stack(
    stack: str, document: Mapping[str, Any], record: Iterable[DeployedResource],
    replacements: Sequence[Replacement], lowered: Mapping[str, Mapping[str, Sequence[Any]]],
) -> list[str]:
    """The problems of one synthesized stack (`cdk.tf.json`) against the record.

    `lowered` is, per Terraform type, the arguments that may only move up their order
    (`ResourceFacts.replaced_when_lowered`).
    """
    allowed = {(r.resource, r.argument): r for r in replacements}  # their reasons: settings_checks
    used: set[tuple[str, str]] = set()
    problems: list[str] = []
    resources = document.get("resource", {})
    for deployed in (d for d in record if d.stack == stack):
        found = [config for config in resources.get(deployed.type, {}).values() if config.get("name") == deployed.name]
        if not found:
            if (deployed.name, DELETE) in allowed:
                used.add((deployed.name, DELETE))
                continue
            check = Validator("Deployed resource", stack)
            check.fail(
                f"{deployed.type}", deployed.name,
                "is no longer in the stack (renamed or removed), so the next deploy would delete it",
                f"every resource recorded in {RECORD} kept under its deployed name",
                f"restore the setting that named it, or opt in: Replacement({deployed.name!r}, "
                f"{DELETE!r}, reason=...) in the {stack} adoption settings' replacements",
            )
            problems.extend(check.problems)
            continue
        for config in found:
            for argument, new, old, how in _changes(deployed, config, lowered.get(deployed.type, {})):
                key = (deployed.name, argument)
                if key in allowed:
                    used.add(key)
                    continue
                path = config.get("//", {}).get("metadata", {}).get("path", stack)
                check = Validator("Deployed resource", path)
                check.fail(
                    argument, new,
                    f"would replace {deployed.type} {deployed.name!r} (deployed: {old!r}; {how}, so the "
                    "next deploy would destroy it and create it again, losing what it holds)",
                    f"{old!r}, the deployed value recorded in {RECORD}",
                    f"set it back to {old!r}, or opt in: Replacement({deployed.name!r}, {argument!r}, "
                    f"reason=...) in the {stack} adoption settings' replacements",
                )
                problems.extend(check.problems)
    for key in sorted(set(allowed) - used):
        check = Validator("Replacement", f"{stack}/{key[0]}")
        check.fail(
            "argument", key[1], "matches no change of a deployed resource",
            "opt-ins only for a change synth would otherwise refuse",
            "remove the opt-in (once a replacement is deployed, update the record instead)",
        )
        problems.extend(check.problems)
    return problems


def _changes(
    deployed: DeployedResource, config: Mapping[str, Any], lowered: Mapping[str, Sequence[Any]],
) -> Iterable[tuple[str, Any, Any, str]]:
    """(argument, new value, deployed value, why it forces replacement) per difference."""
    for argument, old in deployed.arguments.items():
        new = config.get(argument)
        order = lowered.get(argument)
        if isinstance(new, str) and "${" in new:
            yield argument, new, old, "an expression known only at deploy time cannot be checked here"
        elif order and new in order and old in order:
            if order.index(new) < order.index(old):
                yield argument, new, old, "Azure cannot move it down"
        elif new != old:
            yield argument, new, old, "Azure fixes it at creation"
    for argument in deployed.unset:
        new = config.get(argument)
        if new not in (None, [], {}):
            yield argument, new, None, "it was never set, and Azure fixes it at creation"


def check_output(
    outdir: Path, record: Sequence[DeployedResource], replacements: Mapping[str, Sequence[Replacement]],
    lowered: Mapping[str, Mapping[str, Sequence[Any]]],
) -> list[str]:
    """`check_stack` for every stack synthesized into `outdir`."""
    problems: list[str] = []
    for document in sorted((outdir / "stacks").glob("*/cdk.tf.json")):
        stack = document.parent.name
        problems += check_stack(
            stack, json.loads(document.read_text()), record, replacements.get(stack, ()), lowered,
        )
    return problems


def record_from_state(
    stack: str, state: Mapping[str, Any], facts: Mapping[str, Any],
) -> str:
    """Record entries (TOML, to append to `data/deployed.toml`) for the resources in a
    stack's state, as `terraform show -json` prints it: the values Azure actually holds."""
    lines: list[str] = []
    for resource in _state_resources(state.get("values", {}).get("root_module", {})):
        kind = facts.get(resource.get("type"))
        values = resource.get("values", {})
        if kind is None or resource.get("mode") != "managed" or not isinstance(values.get("name"), str):
            continue
        arguments = {}
        unset = []
        for argument in (*kind.replaced_when_changed, *kind.replaced_when_lowered):
            value = values.get(argument)
            if argument == "name" or (isinstance(value, str) and value.startswith("/subscriptions/")):
                continue  # the key itself, or a reference to another resource (checked there)
            if value in (None, "", [], {}):
                unset.append(argument)
            else:
                arguments[argument] = value
        lines += [
            "", "[[resource]]", f"stack = {json.dumps(stack)}", f"type = {json.dumps(resource['type'])}",
            f"name = {json.dumps(values['name'])}",
            "arguments = { " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in arguments.items()) + " }"
            if arguments else "arguments = {}",
        ]
        if unset:
            lines.append("unset = [" + ", ".join(json.dumps(u) for u in unset) + "]")
    return "\n".join(lines).lstrip("\n") + "\n" if lines else ""


def _state_resources(module: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _state_resources(child)
