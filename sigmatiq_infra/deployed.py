"""The record of what is deployed, and the check that no change replaces or deletes it.

Azure fixes some arguments at creation (a server's location, its geo-redundant backups, a
vault's name): Terraform can only honour a change to one by destroying the resource and
creating it again. For an adopted resource that means an `import` followed by the loss of
everything it holds. An app's deployed record (a TOML file, e.g. `deployed.toml`) holds
the deployed value of every such argument, written from the deployed inventory or state
(`sigmatiq-infra record-deployed`), never from the settings it guards. With
`guard(app, record, replacements)`, every stack is compared with it after each synth; a
difference stops synth with the resource, the argument, the deployed and the new value,
unless the stack carries a `Replacement` opt-in for exactly that change, with its reason.

This module loads no bindings: settings may hold its `AdoptionSettings` and `Replacement`.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sigmatiq_infra import azure_ids
from sigmatiq_infra.tokens import REFERENCE
from sigmatiq_infra.validation import ValidationError, Validator

if TYPE_CHECKING:
    from sigmatiq_infra.synthesis import App

DELETE = "delete"
"""The `Replacement.argument` that lets a deployed resource leave its stack."""
REPLACE = "replace"
"""The argument of an opt-in for a replacement the plan gives no argument for (a tainted
resource, `terraform apply -replace`, `replace_triggered_by`): only the plan gate sees it."""


@dataclass(frozen=True)
class Replacement:
    """A deliberate, reasoned opt-in to replace (or delete) one deployed resource, which synth
    otherwise refuses (see `sigmatiq_infra.deployed`). Recorded in the app's settings
    (`AdoptionSettings.replacements`), reviewed like a policy suppression; remove it once the
    change is deployed and the record updated."""

    resource: str
    """The deployed resource's Azure name, e.g. `psql-orders-prod`."""
    argument: str
    """The replacement-forcing argument that changes (e.g. `geo_redundant_backup_enabled`), or
    `delete` when the resource leaves the stack (removed or renamed)."""
    reason: str
    """Why losing the deployed resource (and what it holds) is acceptable: 20 characters or more."""
    type: str | None = None
    """The resource's Terraform type (e.g. `azurerm_postgresql_flexible_server`): give it when
    two resources of different types share the name. Default: any type of that name."""

    def names(self, resource: str | None, terraform_type: str) -> bool:
        """Whether this opt-in is for the resource of that Azure name and Terraform type."""
        return self.resource == resource and self.type in (None, terraform_type)


MIN_REASON_LENGTH = 20
"""A `Replacement`'s reason is a written sentence, not a token."""


@dataclass(frozen=True)
class AdoptionSettings:
    """Take over resources that already exist in Azure (deployed by another tool, or by hand)
    with Terraform `import` blocks, instead of creating them."""

    enabled: bool = False
    subscription_id: str | None = None
    """Subscription of the existing resources. Default: the deploy-time variable
    `subscription_id` (`TF_VAR_subscription_id`); the library reads no environment variable
    for it (an app may pass one in, as the estate does with `ARM_SUBSCRIPTION_ID`)."""
    role_assignments: Mapping[str, str] = field(default_factory=dict)
    """Existing role assignments: `"<role> on <target name>"` -> the assignment's GUID name,
    e.g. `"AcrPull on acrordersprod": "8d3c...."`. Find them with
    `az role assignment list --assignee <principal id> --all
    --query "[].{role:roleDefinitionName, scope:scope, name:name}"`.
    Without them the first deploy fails with RoleAssignmentExists."""
    secret_versions: Mapping[str, str] = field(default_factory=dict)
    """Existing vault secrets: name -> current version (32 hex characters), from
    `az keyvault secret show --vault-name <vault> --name <name> --query id`."""
    replacements: Sequence[Replacement] = ()
    """Deployed resources this stack may replace or delete after all, each with its reason.
    Without one, synth stops when a setting would replace or delete a deployed resource, and
    adopted resources carry `prevent_destroy`."""

    def problems(self, where: str) -> tuple[str, ...]:
        """What is wrong with these settings (`where` names them in the messages): ids that
        are no GUIDs, secret versions that are no Key Vault versions, replacements without
        a written reason."""
        check = Validator("AdoptionSettings", where)
        check.props(self)  # a mapping, a tuple of opt-ins, and each opt-in's fields as text, before any rule
        if not check.typed:
            return check.problems
        if self.subscription_id is not None:
            check.require(
                azure_ids.SUBSCRIPTION_ID.fullmatch(self.subscription_id) is not None,
                "subscription_id", self.subscription_id, "is not a subscription id",
                "a GUID such as 00000000-0000-0000-0000-000000000000",
                "set subscription_id to the subscription's id",
            )
        for key, guid in self.role_assignments.items():
            check.require(
                azure_ids.GUID.fullmatch(guid) is not None, f"role_assignments[{key!r}]", guid,
                "is not a role assignment name", "the assignment's GUID (its `name`)",
                "copy `name` from `az role assignment list`",
            )
        for name, version in self.secret_versions.items():
            check.require(
                len(version) == 32 and all(c in "0123456789abcdef" for c in version),
                f"secret_versions[{name!r}]", version, "is not a Key Vault secret version",
                "32 lowercase hex characters", "copy the last part of the id `az keyvault secret show` prints",
            )
        for index, replacement in enumerate(self.replacements):
            check.require(
                len(replacement.reason.strip()) >= MIN_REASON_LENGTH, f"replacements[{index}].reason",
                replacement.reason, "is too short", f"a written reason of at least {MIN_REASON_LENGTH} characters",
                "say why losing the deployed resource is acceptable",
            )
            # azurerm's arguments are named in lowercase letters, digits and underscores (terraform-plugin-sdk's
            # schema refuses any other field name: isValidFieldName, ^[a-z0-9_]+$); the plan names them so.
            argument = replacement.argument
            written = re.sub(r"[^a-z0-9_]+", "_", argument.strip().lower()).strip("_")
            check.require(
                re.fullmatch(r"[a-z0-9_]+", argument) is not None, f"replacements[{index}].argument", argument,
                "is not an argument name, so no change would match it", f"{DELETE!r}, {REPLACE!r}, or the argument "
                "that forces the replacement as azurerm names it (lowercase letters, digits and underscores, e.g. "
                "'geo_redundant_backup_enabled')", f"write {written!r}" if written else "name the argument",
            )
        return check.problems


@dataclass(frozen=True)
class DeployedResource:
    stack: str
    type: str
    name: str
    arguments: Mapping[str, Any] = field(default_factory=dict)
    """Deployed values of the arguments that force replacement."""
    unset: tuple[str, ...] = ()
    """Arguments that force replacement and were never set."""


@dataclass(frozen=True)
class DeployedRecord:
    """What is deployed, per stack: the resources of a record file, and where it came from."""

    resources: tuple[DeployedResource, ...] = ()
    source: str = "the deployed record"
    """The record's file, as messages name it."""

    def __iter__(self) -> Iterator[DeployedResource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    def in_stack(self, stack: str) -> tuple[DeployedResource, ...]:
        return tuple(resource for resource in self.resources if resource.stack == stack)


def load_record(path: str | Path, source: str | None = None) -> DeployedRecord:
    """The record in the TOML file `path` (`[[resource]]` tables: `stack`, `type`, `name`,
    `arguments`, `unset`, as `sigmatiq-infra record-deployed` prints them); `source` is how
    messages name it (default: `path`). A file that cannot be read, or that is no record, is
    one ValidationError naming it (an app calls this before its stacks: the launcher prints
    the numbered list, not a traceback)."""
    source = source or str(path)
    check = Validator("Deployed record", source)
    try:
        return parse_record(Path(path).read_text(), source=source)
    except OSError as problem:  # missing, a folder, no permission to read it
        check.fail(
            "file", str(path), f"cannot be read ({problem.strerror or problem})",
            "the app's record file (TOML), as record-deployed prints its entries",
            "point load_record at the record file; for an app with nothing deployed yet, pass "
            "DeployedRecord() instead",
        )
    except ValueError as problem:  # not TOML (tomllib.TOMLDecodeError), or not shaped as a record
        check.fail(
            "file", str(path), f"is not a record: {problem}",
            f"[[resource]] entries with {', '.join(RECORD_KEYS)}, as record-deployed prints them",
            "repair the line or entry it names, or write the record again with sigmatiq-infra record-deployed",
        )
    raise ValidationError(check.problems)


RECORD_KEYS = ("stack", "type", "name", "arguments", "unset")
"""The keys of a record's `[[resource]]` entry, as `record-deployed` writes them."""


def parse_record(text: str, source: str = "the deployed record") -> DeployedRecord:
    """The record in `text` (TOML, as in a record file); ValueError naming the entry and the
    key when it is not shaped as `record-deployed` writes it."""
    document = tomllib.loads(text)
    # A misspelt table or key would leave entries or arguments out: the gate would guard less, silently.
    for key in document:
        if key != "resource":
            close = difflib.get_close_matches(key, ["resource"], n=1)
            raise ValueError(
                f"it has {key!r}, and a record holds [[resource]] entries only"
                + (" (did you mean [[resource]]?)" if close else "")
            )
    entries = document.get("resource", [])
    if not isinstance(entries, list):
        raise ValueError("its resources are one [resource] table; write each entry as [[resource]]")
    resources = []
    for index, entry in enumerate(entries):
        where = f"[[resource]] {index + 1}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where} is not a table")
        for key in ("stack", "type", "name"):
            if not isinstance(entry.get(key), str) or not entry[key]:
                raise ValueError(f"{where} has no {key} (a string)")
        arguments, unset = entry.get("arguments", {}), entry.get("unset", [])
        where = f"{where} ({entry['name']})"
        for key in entry:
            if key not in RECORD_KEYS:
                close = difflib.get_close_matches(key, RECORD_KEYS, n=1)
                raise ValueError(
                    f"{where} has the key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
                    + f"; an entry has {', '.join(RECORD_KEYS)}"
                )
        if not isinstance(arguments, dict):
            raise ValueError(f"{where}: arguments is not a table, e.g. arguments = {{ location = ... }}")
        if not isinstance(unset, list) or not all(isinstance(item, str) for item in unset):
            raise ValueError(f"{where}: unset is not a list of argument names, e.g. unset = [\"zone\"]")
        resources.append(DeployedResource(entry["stack"], entry["type"], entry["name"], dict(arguments), tuple(unset)))
    return DeployedRecord(tuple(resources), source)


def guard(app: App, record: DeployedRecord, replacements: Mapping[str, Sequence[Replacement]]) -> None:
    """Compare every stack `app` synthesizes with `record` before anything is written: a
    change that would replace or delete a recorded resource stops synth, unless
    `replacements[<stack>]` holds the opt-in for it."""
    from sigmatiq_infra.constructs import resource_facts  # loads the bindings, which the app has already

    given = Validator("deployed.guard", "arguments")
    if not isinstance(record, DeployedRecord):
        given.type_problem(
            "record", record, f"has the type {type(record).__name__}", "the app's DeployedRecord",
            "pass the loaded record: deployed.guard(app, deployed.load_record(Path('deployed.toml')), replacements)",
        )
    if not isinstance(replacements, Mapping):
        given.type_problem(
            "replacements", replacements, f"has the type {type(replacements).__name__}",
            "a mapping of each stack's id to its opt-ins, e.g. {'prod': (Replacement(...),)}",
            "key the opt-ins by the id of their stack: replacements={'<stack id>': (Replacement(...),)}",
        )
    if given.problems:
        app.problems.add(given.problems)
        return
    opt_ins = {stack: tuple(found) if isinstance(found, list) else found for stack, found in replacements.items()}
    # The opt-ins' own rules, as Adoption reports them (the app's list keeps one of each); those of the
    # wrong type are left out of the comparison.
    reasons = {stack: AdoptionSettings(replacements=found).problems(stack) for stack, found in opt_ins.items()}
    usable = {
        stack: tuple(item for item in found if _well_typed(item)) if isinstance(found, tuple) else ()
        for stack, found in opt_ins.items()
    }

    def check(outdir: Path) -> list[str]:
        facts = resource_facts()
        lowered = {kind: found.replaced_when_lowered for kind, found in facts.items()}
        elsewhere = {kind: found.replaced_on_other_majors for kind, found in facts.items()}
        found = [problem for problems in reasons.values() for problem in problems]
        return found + check_output(outdir, record, usable, lowered, elsewhere)

    app.add_check(check)


def _well_typed(replacement: Any) -> bool:
    """Whether `replacement` is a `Replacement` whose fields have their types (else a problem
    `AdoptionSettings.problems` reports, and no opt-in synth can compare)."""
    if not isinstance(replacement, Replacement):
        return False
    check = Validator("Replacement", "opt-in")
    check.props(replacement)
    return check.typed


def check_stack(
    stack: str, document: Mapping[str, Any], record: DeployedRecord,
    replacements: Sequence[Replacement], lowered: Mapping[str, Mapping[str, Sequence[Any]]],
    elsewhere: Mapping[str, Collection[str]] | None = None,
) -> list[str]:
    """The problems of one synthesized stack (`cdk.tf.json`) against the record.

    `lowered` is, per Terraform type, the arguments that may only move up their order
    (`ResourceFacts.replaced_when_lowered`); `elsewhere`, the arguments that force a
    replacement on another azurerm major only (`ResourceFacts.replaced_on_other_majors`),
    which a record written on that major holds and this stack does not write: they are not
    compared (the plan gate sees the plan). Each recorded resource is paired with one
    resource of its type and name (the one whose recorded arguments all still hold, when two
    share a name, e.g. subnets of one name in two VNets); an argument written as a reference
    to another resource of the stack is compared as that resource's value, and one known
    only at deploy time is left to the plan gate, which sees the real plan.
    """
    used: set[Replacement] = set()
    problems: list[str] = []
    resources = document.get("resource", {})

    def opt_in(deployed: DeployedResource, argument: str) -> Replacement | None:
        for replacement in replacements:  # their reasons: AdoptionSettings.problems
            if replacement.argument == argument and replacement.names(deployed.name, deployed.type):
                used.add(replacement)
                return replacement
        return None

    unpaired = {
        (kind, logical): config for kind, configs in resources.items() for logical, config in configs.items()
    }
    pending: list[tuple[DeployedResource, list[Mapping[str, Any]]]] = []
    entries = record.in_stack(stack)
    for exact in (True, False):  # resources whose recorded arguments all hold are paired first
        left = []
        for deployed in (entries if exact else [entry for entry, _ in pending]):
            candidates = [
                key for key, config in unpaired.items()
                if key[0] == deployed.type and config.get("name") == deployed.name
            ]
            skipped = (elsewhere or {}).get(deployed.type, ())
            changes = {
                key: list(_changes(deployed, unpaired[key], lowered.get(deployed.type, {}), resources, skipped))
                for key in candidates
            }
            match = next((key for key in candidates if not changes[key]), None)
            if match is not None:
                del unpaired[match]
            elif exact:
                left.append((deployed, []))
            else:
                chosen = candidates[:1]  # the changes of the first resource of that name
                for key in chosen:
                    del unpaired[key]
                left.append((deployed, [changes[key] for key in chosen]))
        pending = left
    for deployed, found in pending:
        if not found:
            if opt_in(deployed, DELETE):
                continue
            if any(
                kind == deployed.type and _resolved(config.get("name"), resources) is _UNKNOWN
                for (kind, _), config in unpaired.items()
            ):
                continue  # one of its type is named at deploy time: the plan gate sees whether it is this one
            check = Validator("Deployed resource", stack)
            check.fail(
                f"{deployed.type}", deployed.name,
                "is no longer in the stack (renamed or removed), so the next deploy would delete it",
                f"every resource recorded in {record.source} kept under its deployed name",
                f"restore the setting that named it, or opt in: Replacement({deployed.name!r}, "
                f"{DELETE!r}, reason=...) in the {stack} adoption settings' replacements",
            )
            problems.extend(check.problems)
            continue
        for config_changes in found:
            for argument, new, old, how, path in config_changes:
                if opt_in(deployed, argument):
                    continue
                check = Validator("Deployed resource", path or stack)
                check.fail(
                    argument, new,
                    f"would replace {deployed.type} {deployed.name!r} (deployed: {old!r}; {how}, so the "
                    "next deploy would destroy it and create it again, losing what it holds)",
                    f"{old!r}, the deployed value recorded in {record.source}",
                    f"set it back to {old!r}, or opt in: Replacement({deployed.name!r}, {argument!r}, "
                    f"reason=...) in the {stack} adoption settings' replacements",
                )
                problems.extend(check.problems)
    for replacement in replacements:
        if replacement in used or not _synth_sees(replacement, entries, resources):
            continue
        check = Validator("Replacement", f"{stack}/{replacement.resource}")
        check.fail(
            "argument", replacement.argument, "matches no change of a deployed resource"
            + (f" of type {replacement.type}" if replacement.type else ""),
            "opt-ins only for a change synth would otherwise refuse",
            "remove the opt-in (once a replacement is deployed, update the record instead)",
        )
        problems.extend(check.problems)
    return problems


def _synth_sees(
    replacement: Replacement, entries: Sequence[DeployedResource], resources: Mapping[str, Any],
) -> bool:
    """Whether synth sees every change `replacement` could be for, so that one matching none
    lingers. The plan gate alone sees the others: a replacement the plan gives no argument
    for, one of a resource Azure names (a GUID), one of a resource protected but not recorded
    (adopted, `prevent_destroy`, holding data), of an argument the record does not hold, or of
    one known only at deploy time."""
    if replacement.argument == REPLACE or azure_ids.GUID.fullmatch(replacement.resource):
        return False  # a GUID is the name Azure gave a role assignment, which no stack writes
    configs = [
        config for kind, found in resources.items() for config in found.values()
        if replacement.names(config.get("name"), kind)
    ]
    recorded = [deployed for deployed in entries if replacement.names(deployed.name, deployed.type)]
    if not recorded:
        return not configs  # a name the stack does not hold at all
    if replacement.argument == DELETE:
        return True
    return all(
        (replacement.argument in deployed.arguments or replacement.argument in deployed.unset)
        and all(_resolved(config.get(replacement.argument), resources) is not _UNKNOWN for config in configs)
        for deployed in recorded
    )


_UNKNOWN = object()
"""A value known only at deploy time (a reference to what Azure computes, a variable)."""


def _resolved(value: Any, resources: Mapping[str, Any], depth: int = 0) -> Any:
    """`value` with references to other resources' arguments of the stack replaced by those
    arguments' values; `_UNKNOWN` where a part is known only at deploy time."""
    if isinstance(value, str) and "${" in value:
        whole = REFERENCE.match(value)  # a whole value `${<type>.<id>.<attribute>}` of a resource
        attribute = value[whole.end():-1] if whole and not whole.group(1) and value.endswith("}") else ""
        if attribute.isidentifier() and depth < 5:
            target = resources.get(whole.group(2), {}).get(whole.group(3), {})  # type: ignore[union-attr]
            if attribute in target:
                return _resolved(target[attribute], resources, depth + 1)
        return _UNKNOWN
    if isinstance(value, list):
        return [_resolved(item, resources, depth) for item in value]
    if isinstance(value, Mapping):
        return {key: _resolved(item, resources, depth) for key, item in value.items() if key != "//"}
    return value


def _differs(new: Any, old: Any) -> bool:
    """Whether a synthesized value (resolved) differs from a deployed one; a part known only
    at deploy time never does. Objects are compared on the keys both have (state also holds
    what Azure computes), lists item by item."""
    if new is _UNKNOWN:
        return False
    if isinstance(new, Mapping) and isinstance(old, list) and len(old) == 1:
        old = old[0]  # a block of one: cdktf writes it as an object, state holds a list of one
    if isinstance(new, Mapping) and isinstance(old, Mapping):
        return any(_differs(value, old[key]) for key, value in new.items() if key in old)
    if isinstance(new, list) and isinstance(old, list):
        return len(new) != len(old) or any(_differs(a, b) for a, b in zip(new, old, strict=True))
    if isinstance(new, bool) or isinstance(old, bool):
        return type(new) is not type(old) or new != old
    return bool(new != old)


def _changes(
    deployed: DeployedResource, config: Mapping[str, Any], lowered: Mapping[str, Sequence[Any]],
    resources: Mapping[str, Any], skipped: Collection[str] = (),
) -> Iterable[tuple[str, Any, Any, str, str]]:
    """(argument, new value, deployed value, why it forces replacement, the resource's path)
    per difference; the arguments `skipped` are not compared."""
    path = config.get("//", {}).get("metadata", {}).get("path", "")
    for argument, old in deployed.arguments.items():
        if argument in skipped:
            continue
        written = config.get(argument)
        new = _resolved(written, resources)
        order = lowered.get(argument)
        if order and new in order and old in order:
            if order.index(new) < order.index(old):
                yield argument, new, old, "Azure cannot move it down", path
        elif _differs(new, old):
            yield argument, written if new is _UNKNOWN else new, old, "Azure fixes it at creation", path
    for argument in deployed.unset:
        if argument in skipped:
            continue
        new = config.get(argument)
        if new not in (None, [], {}):
            yield argument, new, None, "it was never set, and Azure fixes it at creation", path


def check_output(
    outdir: Path, record: DeployedRecord, replacements: Mapping[str, Sequence[Replacement]],
    lowered: Mapping[str, Mapping[str, Sequence[Any]]], elsewhere: Mapping[str, Collection[str]] | None = None,
) -> list[str]:
    """`check_stack` for every stack synthesized into `outdir`."""
    problems: list[str] = []
    for document in sorted((outdir / "stacks").glob("*/cdk.tf.json")):
        stack = document.parent.name
        problems += check_stack(
            stack, json.loads(document.read_text()), record, replacements.get(stack, ()), lowered, elsewhere,
        )
    return problems


def record_from_state(
    stack: str, state: Mapping[str, Any], facts: Mapping[str, Any],
) -> str:
    """Record entries (TOML, to append to the app's record file) for the resources in a
    stack's state, as `terraform show -json` prints it: the values Azure actually holds."""
    lines: list[str] = []
    values = state.get("values", {})
    for resource in _state_resources(values.get("root_module", {}) if isinstance(values, Mapping) else values):
        kind = facts.get(resource.get("type"))
        values = resource.get("values", {})
        if kind is None or resource.get("mode") != "managed" or not isinstance(values.get("name"), str):
            continue
        if getattr(kind, "name_scope", "") is None:  # Azure names it (a role assignment's GUID): the stack
            continue  # writes no name to pair the entry with, so synth would take it for one that left the stack
        arguments = {}
        unset = []
        secret = []
        sensitive = resource.get("sensitive_values", {})
        for argument in (*kind.replaced_when_changed, *kind.replaced_when_lowered):
            value = values.get(argument)
            if argument == "name" or (isinstance(value, str) and value.startswith("/subscriptions/")):
                continue  # the key itself, or a reference to another resource (checked there)
            if isinstance(sensitive, Mapping) and _marks_sensitive(sensitive.get(argument)):
                secret.append(argument)  # the state marks it sensitive: a record is committed, so never written
                continue
            if value in (None, "", [], {}):
                unset.append(argument)
            else:
                arguments[argument] = value
        lines += [
            "", "[[resource]]", f"stack = {json.dumps(stack)}", f"type = {json.dumps(resource['type'])}",
            f"name = {json.dumps(values['name'])}",
            f"arguments = {_toml(arguments)}",
        ]
        if unset:
            lines.append(f"unset = {_toml(unset)}")
        if secret:
            lines.append(
                f"# not recorded, sensitive in the state: {', '.join(secret)} "
                "(the plan gate still refuses replacing the resource)"
            )
    return "\n".join(lines).lstrip("\n") + "\n" if lines else ""


def _marks_sensitive(mark: Any) -> bool:
    """Whether a `sensitive_values` entry (`true` for a sensitive value, else an object or list of
    the same shape as the value) marks the value or any part of it sensitive."""
    if isinstance(mark, Mapping):
        return any(_marks_sensitive(item) for item in mark.values())
    if isinstance(mark, list):
        return any(_marks_sensitive(item) for item in mark)
    return mark is True


def _toml(value: Any) -> str:
    """`value` as a TOML value on one line (inline tables and arrays); TOML has no null, so
    a key or item without a value is left out, as the state's unset parts are."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, Mapping):
        items = [f"{_toml_key(str(key))} = {_toml(item)}" for key, item in value.items() if item is not None]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(item) for item in value if item is not None) + "]"
    raise ValueError(f"a value of type {type(value).__name__} cannot be recorded")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _state_resources(module: Any, where: str = "values.root_module") -> Iterable[Mapping[str, Any]]:
    """The resources of a state module and its children; ValueError naming the place where
    the document is not shaped as `terraform show -json` writes state."""
    if not isinstance(module, Mapping):
        raise ValueError(f"{where} is not an object")
    resources, children = module.get("resources", []), module.get("child_modules", [])
    if not isinstance(resources, list) or not all(isinstance(r, Mapping) for r in resources):
        raise ValueError(f"{where}.resources is not a list of objects")
    if not isinstance(children, list):
        raise ValueError(f"{where}.child_modules is not a list")
    for resource in resources:
        if not isinstance(resource.get("values", {}), Mapping):
            raise ValueError(f"{where}.resources: {resource.get('address', '?')} has values that are not an object")
    yield from resources
    for index, child in enumerate(children):
        yield from _state_resources(child, f"{where}.child_modules[{index}]")
