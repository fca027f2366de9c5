"""`cost`: a monthly estimate per resource of a synthesized stack, from the price table in
`sigmatiq_infra/data/prices.toml` (every price carries its source and date).

An app's assumptions file (`--assumptions FILE`, TOML) adds its own usage per stack
(`[usage.<stack>]`, over the table's `[usage]` defaults) and, optionally, a baseline to
compare with line by line: `baseline_name = "Previous estimate"`, `baseline_label = "before"`,
`[baseline_total]` (`<stack> = <USD a month>`) and `[[baseline.<stack>]]` lines (`item`,
`monthly`, `prices` (the price ids the line covers) and `why` it differs)."""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import math
import re
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources as package_files
from pathlib import Path
from typing import Any

from sigmatiq_infra.cli.errors import CliError, path_argument
from sigmatiq_infra.cli.stacks import (
    Resource,
    Stack,
    add_synth_output,
    load_stack,
    stack_names,
    warn_unloaded_classes,
)

FIELDS = ("id", "description", "unit", "price", "source", "date")


@dataclass(frozen=True)
class Price:
    id: str
    description: str
    unit: str
    price: float
    source: str
    date: str

    @property
    def monthly(self) -> float:
        """The price of one unit for a month (hourly prices times 730 hours)."""
        return self.price * 730 if self.unit.strip().lower() in ("hour", "hours", "hourly") else self.price


@dataclass(frozen=True)
class Line:
    resource: str
    price: Price
    quantity: float
    note: str = ""

    @property
    def monthly(self) -> float:
        return round(self.price.monthly * self.quantity, 2)


@dataclass(frozen=True)
class PriceTable:
    prices: dict[str, Price]
    usage: dict[str, Any]
    """Usage assumptions: defaults, and a table per stack that overrides them."""
    baseline: dict[str, list[dict[str, Any]]]
    """Per stack, the lines of an estimate to compare with (from the assumptions file)."""
    baseline_total: dict[str, float]
    baseline_name: str = "Baseline"
    baseline_label: str = "baseline"
    own_usage: dict[str, Any] = field(default_factory=dict)
    """The usage the assumptions file gives (its `[usage]`), to say which of it no price read."""


def load_prices(path: Path | None = None, assumptions: Path | None = None) -> PriceTable:
    """The library's price table (or the one at `path`), with an app's `assumptions` file
    (usage per stack, a baseline to compare with) over it."""
    text = path.read_text() if path else (
        package_files.files("sigmatiq_infra").joinpath("data/prices.toml").read_text()
    )
    data = tomllib.loads(text)
    own = _assumptions(assumptions) if assumptions else {}
    prices = {}
    # The app's own prices (for what its own construct classes bill, `ResourceFacts.billing`)
    # come after the library's: an app may also correct one of the library's.
    sources = (("the price table", data["price"], 1), (f"the assumptions file {assumptions}", own.get("price", []), 2))
    for where, entries, exit_code in sources:
        for entry in entries if isinstance(entries, list) else [entries]:
            missing = [key for key in FIELDS if not isinstance(entry, dict) or entry.get(key) in (None, "")]
            price = entry.get("price") if isinstance(entry, dict) else None
            if missing or not _is_amount(price):
                name = entry.get("id", "?") if isinstance(entry, dict) else entry
                what = f"lacks {', '.join(missing)}" if missing else f"has the price {price!r}, which is no amount"
                raise CliError(
                    f"cost: {where} has a [[price]] entry {name!r} that {what}. Fix: give each entry "
                    f"{', '.join(FIELDS)}, and a price of zero or more.", exit_code=exit_code,
                )
            prices[entry["id"]] = Price(**{key: entry[key] for key in FIELDS})
    usage = {**data.get("usage", {}), **own.get("usage", {})}
    return PriceTable(
        prices, usage,
        {stack: list(lines) for stack, lines in own.get("baseline", {}).items()},
        dict(own.get("baseline_total", {})),
        str(own.get("baseline_name", "Baseline")), str(own.get("baseline_label", "baseline")),
        dict(own.get("usage", {})),
    )


def _assumptions(path: Path) -> dict[str, Any]:
    try:
        found = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise CliError(f"cost: the assumptions file {path} does not exist. Fix: pass an existing file, or "
                       "leave --assumptions out.") from None
    except tomllib.TOMLDecodeError as problem:
        raise CliError(f"cost: the assumptions file {path} is not TOML ({problem}). Fix: repair it.") from None
    except OSError as problem:  # a folder, no permission, ...
        raise CliError(f"cost: the assumptions file {path} cannot be read ({problem.strerror or problem}). Fix: pass "
                       "the TOML file itself, or leave --assumptions out.") from None
    shape = _shape_problems(found)
    if shape:
        raise CliError(f"cost: the assumptions file {path} is not shaped as the command reads it: {'; '.join(shape)}. "
                       "Fix: see `sigmatiq-infra cost --help` and docs/library/commands.md for its tables.")
    bad = [
        f"{where} = {value!r}" for where, value in _usage_values(found.get("usage", {})) if not _is_amount(value)
    ]
    if bad:
        raise CliError(f"cost: the assumptions file {path} has usage that is no amount: {'; '.join(bad)}. Fix: give "
                       "each usage a number of zero or more (e.g. log_analytics_gb = 5).")
    return found


def _shape_problems(found: dict[str, Any]) -> list[str]:
    """What of an assumptions file the command would misread: tables that are values, and
    baseline lines without their keys or of the wrong types (each named where it is)."""
    problems = []
    usage = found.get("usage", {})
    if not isinstance(usage, dict):
        problems.append(f"usage = {usage!r} is no table ([usage] with amounts, [usage.<stack>] per stack)")
    baseline = found.get("baseline", {})
    if not isinstance(baseline, dict):
        problems.append(f"baseline = {baseline!r} is no table ([[baseline.<stack>]] lines)")
        baseline = {}
    for stack, lines in baseline.items():
        if not isinstance(lines, list):
            problems.append(f"baseline.{stack} is no list of [[baseline.{stack}]] lines")
            continue
        for index, line in enumerate(lines):
            where = f"[[baseline.{stack}]] {index + 1}"
            if not isinstance(line, dict):
                problems.append(f"{where} is no table")
                continue
            for key, ok, what in (
                ("item", lambda v: isinstance(v, str), "a name"), ("monthly", _is_number, "a number"),
                ("prices", lambda v: isinstance(v, list) and all(isinstance(p, str) for p in v), "a list of price ids"),
                ("why", lambda v: isinstance(v, str), "a sentence"),
            ):
                if not ok(line.get(key)):
                    problems.append(f"{where} needs {key} as {what}" + (f" (has {line[key]!r})" if key in line else ""))
    totals = found.get("baseline_total", {})
    if not isinstance(totals, dict) or not all(_is_number(value) for value in totals.values()):
        problems.append(f"baseline_total = {totals!r} is no table of numbers per stack")
    return problems


def _is_number(value: Any) -> bool:
    """A finite number (TOML also reads `nan` and `inf` as floats, which no estimate can use)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_amount(value: Any) -> bool:
    """A price or a usage amount: a finite number of zero or more."""
    return _is_number(value) and value >= 0


def _usage_values(usage: Any, where: str = "usage", stacks: bool = True) -> list[tuple[str, Any]]:
    """(its place, its value) for each usage amount, the per-stack tables' included (a table
    in a stack's table is a value, which no price reads as an amount)."""
    if not isinstance(usage, dict):
        return [(where, usage)]
    found: list[tuple[str, Any]] = []
    for key, value in usage.items():
        found += (
            _usage_values(value, f"{where}.{key}", stacks=False) if isinstance(value, dict) and stacks
            else [(f"{where}.{key}", value)]
        )
    return found


class Usage(dict[str, float]):
    """One stack's usage assumptions, as a construct class's `billing` reads them: it keeps
    which amounts were read, and an amount it lacks is `MissingUsage`, not a KeyError."""

    def __init__(self, amounts: dict[str, float]) -> None:
        super().__init__(amounts)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> float:
        self.read.add(key)
        if key not in self:
            raise MissingUsage(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)


class MissingUsage(KeyError):
    """A usage amount a price needs that neither the price table nor the assumptions give."""


def usage_of(table: PriceTable, stack_name: str) -> Usage:
    """The usage assumptions for one stack: the defaults, then its own `[usage.<stack>]`."""
    defaults = {key: value for key, value in table.usage.items() if not isinstance(value, dict)}
    own = table.usage.get(stack_name, {})
    return Usage({**defaults, **(own if isinstance(own, dict) else {})})


def estimate(stack: Stack, table: PriceTable, usage: Usage | None = None) -> list[Line]:
    """One line per priced component of each resource; free resources cost nothing. `usage`
    (default: the stack's from `table`) keeps which amounts the prices read."""
    lines: list[Line] = []
    missing: dict[str, str] = {}  # every price the stack needs and the table lacks, said at once
    unknown: dict[str, str] = {}  # and every usage amount
    usage = usage_of(table, stack.name) if usage is None else usage
    for resource in stack.resources.values():
        if resource.data:
            continue  # looked up, not owned by this stack
        try:
            components = _components(resource, usage)
        except MissingUsage as error:
            unknown.setdefault(error.args[0], resource.address)
            continue
        copies, repeated = _copies(resource.config)
        for price_id, quantity, note in components:
            later = _set_at_deploy(price_id, quantity) or (
                f"{price_id} x {repeated} set at deploy time: not estimated" if copies is None else ""
            )
            if later:  # a SKU, size or number of copies known only at deploy time: nothing to price it by
                lines.append(Line(resource.address, NOT_ESTIMATED, 0, later))
                continue
            price = table.prices.get(price_id)
            if price is None:
                missing.setdefault(price_id, resource.address)
                continue
            if repeated:
                copied = f"{copies} cop{'y' if copies == 1 else 'ies'} ({repeated})"
                note = f"{note}; {copied}" if note else copied
            lines.append(Line(resource.address, price, quantity * copies, note))
    problems, fixes = [], []
    if missing:
        problems.append(f"no price for {_listed(missing)}")
        fixes.append("add each, with its source and date, as a [[price]] of your --assumptions file")
    if unknown:
        problems.append(f"no usage amount {_listed(unknown)}")
        fixes.append(f"give each amount under [usage] (or [usage.{stack.name}]) of your --assumptions file, e.g. "
                      f"{min(unknown)} = 1")
    if problems:
        raise CliError(f"cost: {'; '.join(problems)}. Fix: {'; '.join(fixes)}.", exit_code=1)
    return lines


def _copies(config: dict[str, Any]) -> tuple[int | None, str]:
    """How many copies of the resource Terraform creates (`count`, or one per `for_each` key), and
    which of the two says so ('' for one copy); None copies when a deploy-time value says it."""
    if "count" in config:
        count = config["count"]
        if isinstance(count, str) and count.strip().isdigit():
            count = int(count)  # Terraform converts a number written as text
        return (count, "count") if isinstance(count, int) and not isinstance(count, bool) else (None, "count")
    if "for_each" in config:
        keys = config["for_each"]
        literal = re.fullmatch(r"\$\{toset\((\[.*\])\)\}", keys.strip(), re.DOTALL) if isinstance(keys, str) else None
        if literal:  # a list of plain values written in the code: cdktf writes it as toset([...])
            with contextlib.suppress(ValueError):
                keys = json.loads(literal.group(1))
        if isinstance(keys, list) and all(isinstance(key, (str, int, float)) for key in keys):
            return len(set(keys)), "for_each"
        return (len(keys), "for_each") if isinstance(keys, dict) else (None, "for_each")
    return 1, ""


NOT_ESTIMATED = Price(
    "set-at-deploy", "a value known only at deploy time", "month", 0.0, "not priced", "-",
)
"""The price of a line whose SKU or size a deploy-time variable gives: none, said on its line."""


def _set_at_deploy(price_id: str, quantity: Any) -> str:
    """The note for a component priced by a deploy-time value (a SKU in its price id, a size as
    its quantity), or '' for one with a price id and a number."""
    if "${" in price_id:
        return f"{re.sub(r'[$][{][^}]*[}]', '<deploy-time value>', price_id)}: set at deploy time, not estimated"
    if not isinstance(quantity, (int, float)) or isinstance(quantity, bool):
        return f"{price_id} quantity set at deploy time: not estimated"
    return ""


def _listed(needed: dict[str, str]) -> str:
    return ", ".join(f"{key!r} ({address})" for key, address in sorted(needed.items()))


def unread_usage(table: PriceTable, stack: Stack, usage: Usage, stacks: Sequence[str]) -> list[str]:
    """Warnings for the assumptions file's usage that looks misspelt: an amount no price of
    the stack read, close to one a price reads; a `[usage.<name>]` table of no stack."""
    defaults = {key for key, value in table.usage.items() if not isinstance(value, dict)} - set(table.own_usage)
    known = usage.read | defaults  # what a price read, and the price table's own amounts
    own = table.own_usage.get(stack.name, {})
    found = []
    for where, amounts in (("usage", table.own_usage), (f"usage.{stack.name}", own if isinstance(own, dict) else {})):
        for key, value in amounts.items():
            if isinstance(value, dict):
                if where == "usage" and key not in stacks:
                    close = difflib.get_close_matches(key, stacks, n=1)
                    likely = f" (did you mean [usage.{close[0]}]?)" if close else ""
                    found.append(f"[usage.{key}] names no synthesized stack{likely}; its amounts are read by none")
                continue
            close = difflib.get_close_matches(key, sorted(known - {key}), n=1) if key not in usage.read else []
            if close:
                found.append(f"{where}.{key} is read by no price of {stack.name} (did you mean {close[0]!r}?)")
    return found


def _components(resource: Resource, usage: dict[str, float]) -> list[tuple[str, float, str]]:
    """What Azure bills for the resource, as its construct class states it (`ResourceFacts.billing`);
    nothing for a type no construct states a price for."""
    from sigmatiq_infra.constructs import resource_facts

    facts = resource_facts().get(resource.tf_type)
    if facts is None or facts.billing is None:
        return []
    return facts.billing(resource.config, usage)


def register(commands: argparse._SubParsersAction, assumptions: Path | None = None) -> None:
    """Add `cost` to `commands`; `assumptions` is the default of `--assumptions`."""
    command = commands.add_parser(
        "cost", help="estimate a stack's monthly cost",
        description=(
            "Estimate a synthesized stack's monthly cost per resource from list prices (each with its source "
            "and date), against its budgets and, with --assumptions, a baseline estimate line by line."
        ),
    )
    command.add_argument("stack", metavar="STACK", help="a synthesized stack, e.g. beta (see --out)")
    add_synth_output(command)
    command.add_argument(
        "--assumptions", type=path_argument, default=assumptions,
        help="the app's usage assumptions and baseline (TOML)" + (" (default: %(default)s)" if assumptions else ""),
    )
    command.set_defaults(run=report, loads_constructs=True)


def report(arguments: argparse.Namespace) -> int:
    from sigmatiq_infra.constructs import resource_facts

    table = load_prices(assumptions=arguments.assumptions)
    stack = load_stack(arguments.stack, arguments.out)
    usage = usage_of(table, stack.name)
    lines = estimate(stack, table, usage)
    for warning in unread_usage(table, stack, usage, stack_names(arguments.out)):
        print(f"cost: warning: {warning}. Fix: correct the name in {arguments.assumptions}.", file=sys.stderr)
    known = resource_facts()
    warn_unloaded_classes(
        "cost", (r.tf_type for r in stack.resources.values() if not r.data and r.tf_type not in known),
        "how Azure bills {types}: left out of the estimate",
    )
    modules = stack.document.get("module")
    if isinstance(modules, dict) and modules:  # their resources are in their source, which cdk.tf.json only names
        print(
            f"cost: warning: what the module{'s' if len(modules) > 1 else ''} {', '.join(sorted(modules))} of "
            f"{stack.name} create{'' if len(modules) > 1 else 's'} is left out of the estimate (cdk.tf.json names only "
            "a module's source, which cost does not read). Fix: add it to the estimate yourself.", file=sys.stderr,
        )
    print(render(stack.name, lines, table, budgets(stack)))
    return 0


def budgets(stack: Stack) -> list[tuple[str, float, str, list[str]]]:
    """(name, monthly amount, when it notifies, the groups it holds where the stack has no
    resource) of every budget the stack declares. In an app of several stacks a budget may hold
    another stack's groups, whose costs this stack's estimate leaves out."""
    own = _groups(stack)
    found = []
    for resource in stack.resources.values():
        amount = resource.config.get("amount")
        if not resource.tf_type.startswith("azurerm_consumption_budget") or resource.data or isinstance(
            amount, bool,
        ) or not isinstance(amount, (int, float)):
            continue
        notifications = resource.config.get("notification", [])
        thresholds = [
            f"{note.get('threshold'):g}% {'forecast' if note.get('threshold_type') == 'Forecasted' else 'actual'}"
            for note in (notifications if isinstance(notifications, list) else [notifications])
            if isinstance(note, dict) and isinstance(note.get("threshold"), (int, float))
        ]
        held = [
            value for dimension in _listed_in(resource.config.get("filter"), "dimension")
            if isinstance(dimension, dict) and dimension.get("name") == "ResourceGroupName"
            for value in dimension.get("values") or () if isinstance(value, str) and "${" not in value
        ]
        found.append((
            resource.config.get("name", resource.address), float(amount),
            "notifies at " + " and ".join(thresholds) if thresholds else "no notification",
            [group for group in held if group.lower() not in own],
        ))
    return found


def _listed_in(block: Any, key: str) -> list[Any]:
    """`block[key]` as a list (a JSON block holds one item or a list of them)."""
    items = block.get(key, []) if isinstance(block, dict) else []
    return items if isinstance(items, list) else [items]


def _groups(stack: Stack) -> set[str]:
    """The resource groups (in lower case) the stack makes or puts a resource in, by name."""
    found = set()
    for resource in stack.resources.values():
        if resource.data:
            continue
        name = resource.config.get("name") if resource.tf_type == "azurerm_resource_group" else None
        group = resource.config.get("resource_group_name")
        referenced = stack.referenced(group)  # a group of this stack, by reference
        for value in (name, referenced.config.get("name") if referenced else group):
            if isinstance(value, str) and "${" not in value:
                found.add(value.lower())
    return found


def render(
    stack_name: str, lines: list[Line], table: PriceTable, held_to: Sequence[tuple[Any, ...]] | None = None,
) -> str:
    out = [f"Monthly cost estimate for {stack_name} (USD, pay-as-you-go list prices)", ""]
    width = max([len(line.resource) for line in lines] + [8])
    for line in sorted(lines, key=lambda item: (-item.monthly, item.resource)):
        note = f"  ({line.note})" if line.note else ""
        out.append(f"{line.resource:<{width}}  {line.monthly:>9.2f}  [{line.price.id}, {line.price.date}]{note}")
    total = round(sum(line.monthly for line in lines), 2)
    out += [f"{'total':<{width}}  {total:>9.2f}", ""]
    for name, amount, *when in held_to or ():
        difference = round(total - amount, 2)
        shown = f"{amount:.0f}" if amount == int(amount) else f"{amount:.2f}"
        elsewhere = when[1] if len(when) > 1 else []
        out.append(
            f"Budget: ${shown}/month ({name}{', ' + when[0] if when else ''}); this estimate is "
            + (f"${-difference:.2f} under it." if difference <= 0 else f"${difference:.2f} over it.")
            + (f" It also holds {', '.join(elsewhere)}, where this stack has no resource: add the estimates of "
               "the stacks deployed there." if elsewhere else "")
        )
    if held_to:
        out.append("")
    baseline = table.baseline.get(stack_name, [])
    if baseline:
        lines_total = sum(item["monthly"] for item in baseline)
        stated = table.baseline_total.get(stack_name, lines_total)
        out.append(
            f"{table.baseline_name}: about ${stated:.0f}/month (its lines add up to ${lines_total:.0f}); "
            f"this estimate is ${total - stated:+.0f}. Per line:"
        )
        for item in baseline:
            ours = round(sum(line.monthly for line in lines if line.price.id in item["prices"]), 2)
            difference = ours - item["monthly"]
            out.append(
                f"  {item['item']}: {table.baseline_label} {item['monthly']:.2f}, here {ours:.2f} ({difference:+.2f})"
            )
            if abs(difference) >= 1:
                out.append(f"    why: {item['why']}")
    out += ["", "Prices (source, date):"]
    for price in sorted({line.price for line in lines} - {NOT_ESTIMATED}, key=lambda p: p.id):
        out.append(f"  [{price.id}] {price.price:g}/{price.unit}: {price.description} ({price.source}, {price.date})")
    return "\n".join(out)
