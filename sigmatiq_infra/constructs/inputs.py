"""Deploy-time inputs: Terraform variables whose values Terraform itself checks.

A value that Azure would refuse (a password that breaks Azure's rules, a certificate with
header lines) should stop `cdktf diff`/`deploy` before anything is created, not after a
VPN gateway's hour-long deploy. Each construct that needs an input declares its rules here,
once; Terraform evaluates them as variable validations on every plan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from constructs import Construct

from sigmatiq_infra._cdktf import TerraformVariable, TerraformVariableValidationConfig
from sigmatiq_infra.constructs._arguments import checked_function

VALUE = "{value}"
"""Where a rule's condition refers to the variable's value."""


@dataclass(frozen=True)
class InputRule:
    """One check of a deploy-time input, as Terraform evaluates it."""

    condition: str
    """An HCL expression over `{value}` that is true for good values, e.g. `length({value}) >= 8`.
    Use `can(...)` around functions that fail on bad input (`regex`)."""
    problem: str
    """What is wrong when the condition is false, e.g. `is shorter than 8 characters`."""
    allowed: str
    """What is allowed, for the error message."""


@checked_function
def deploy_input(
    scope: Construct, name: str, *, what: str, type: str, rules: Sequence[InputRule] = (),
    sensitive: bool = False, ephemeral: bool = False, default: Any = None, how: str = "", note: str = "",
) -> TerraformVariable:
    """A Terraform variable `name` (set with `TF_VAR_<name>`) that Terraform checks against
    `rules`, each failing with its own message naming the variable, what is allowed and how
    to set it. `what` says in a few words what the input is, `note` adds to its description,
    and `how` says how to produce a good value."""
    from sigmatiq_infra.constructs._context import checked_scope

    checked_scope(
        "deploy input", scope, name, f"WriteOnlySecret.from_inputs(stack, {name!r}, ...) (or deploy_input(stack, ...))",
    )
    _check_input_name(scope, name)
    what, rules, how, note = _checked_arguments(scope, name, what, type, rules, how, note, default, sensitive)
    fix = f"set TF_VAR_{name} to a value that follows this rule" + (f" ({how})" if how else "")
    validation = [
        TerraformVariableValidationConfig(
            condition="${" + rule.condition.replace(VALUE, f"var.{name}") + "}",
            error_message=(
                f"The deploy-time input {name} ({what}) {rule.problem}. "
                f"Allowed: {rule.allowed}. Fix: {fix}."
            ),
        )
        for rule in rules
    ]
    description = " ".join(filter(None, (
        f"{what[:1].upper()}{what[1:]}.", note, f"Set TF_VAR_{name} when running cdktf diff/deploy.",
    )))

    def make(id: str) -> TerraformVariable:
        return TerraformVariable(
            scope, id, type=type, nullable=False, sensitive=sensitive or None, default=default,
            description=description, validation=validation or None,
        )

    try:
        variable = make(name)
    except RuntimeError as error:
        from sigmatiq_infra.constructs._context import DUPLICATE_ID, free_id

        if DUPLICATE_ID not in str(error):
            raise
        _report_taken_name(scope, name)
        variable = make(free_id(scope, name))
        variable.__dict__[TAKEN_NAME] = name  # from_inputs says it once, not again for <name>_version
    if ephemeral:
        # Kept out of state and plan files; only write-only arguments may receive it.
        variable.add_override("ephemeral", True)
    return variable


TAKEN_NAME = "_sigmatiq_taken_input_name"
"""On a variable made under a numbered name: the name it was given, already taken in its scope."""


def _report_taken_name(scope: Construct, name: str) -> None:
    """A problem for an input `name` its scope holds already (an input, or another construct):
    Terraform knows a stack's inputs by name, so a second one would be a second variable of it."""
    from sigmatiq_infra.constructs._context import problem_log
    from sigmatiq_infra.validation import Validator

    check = Validator("deploy input", lambda: f"{scope.node.path}/{name}", log=problem_log(scope))
    check.fail(
        "name", name, f"is already the name of another input (or construct) in '{scope.node.path}'",
        "one input per name in a stack (WriteOnlySecret.from_inputs(stack, name, ...) makes name and "
        "name_version)", "give this input a name of its own, or pass the first input's value where it is needed",
    )
    check.done()


_INPUT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_RESERVED_INPUT_NAMES = ("source", "version", "providers", "count", "for_each", "lifecycle", "depends_on", "locals")
"""Terraform's rule for a variable's name, and the names it keeps for itself."""


def _check_input_name(scope: Construct, name: Any) -> None:
    """A problem in the app's list for a name Terraform refuses (cdktf would quietly drop the
    characters, and TF_VAR_ would then need a name nobody wrote)."""
    from sigmatiq_infra.constructs._context import problem_log
    from sigmatiq_infra.validation import ValidationError, Validator, is_token

    path = lambda: scope.node.path if is_token(name) else f"{scope.node.path}/{name}"  # noqa: E731
    check = Validator("deploy input", path, log=problem_log(scope))
    if not check.value_type("name", name, str) or not check.known(
        "name", name, "it is the Terraform variable's name (and construct id), set with TF_VAR_<name>",
        "a name written in code, e.g. 'db_password'",
    ):
        check.done()
        raise ValidationError(check.problems)  # no variable can be made without a name
    else:
        check.require(
            _INPUT_NAME.fullmatch(name) is not None and name not in _RESERVED_INPUT_NAMES, "name", name,
            "is not a name Terraform takes for an input",
            "a letter or '_' first, then letters, digits, '_' or '-'; none of " + ", ".join(_RESERVED_INPUT_NAMES),
            f"name it e.g. {_suggested_input_name(name)!r}",
        )
    check.done()


def _checked_arguments(
    scope: Construct, name: str, what: Any, type: Any, rules: Any, how: Any, note: Any, default: Any = None,
    sensitive: bool = False,
) -> tuple[str, Sequence[InputRule], str, str]:
    """`what`, `type`, `rules`, `how` and `note` when they are what deploy_input takes; else a
    problem in the app's list each, and values to build the variable with so the run goes on."""
    from sigmatiq_infra.constructs._context import problem_log
    from sigmatiq_infra.validation import Validator

    check = Validator("deploy input", lambda: f"{scope.node.path}/{name}", log=problem_log(scope))
    texts = [text if check.value_type(prop, text, str) else "" for prop, text in (
        ("what", what), ("how", how), ("note", note),
    )]
    if isinstance(type, str):
        _check_type(check, type)
    if isinstance(rules, InputRule):
        check.type_problem(
            "rules", rules.problem, "is one InputRule, not a sequence of them", "a sequence of InputRule",
            "give rules a list, even of one: rules=[InputRule(...)]",
        )
        rules = ()
    elif callable(rules):
        function = getattr(rules, "__name__", "the function")
        check.type_problem(
            "rules", function, "is a function, not the rules it makes", "a sequence of InputRule",
            f"call it: rules={function}(...)",
        )
        rules = ()
    elif not check.value_type("rules", rules, Sequence[InputRule]):
        rules = ()
    else:
        _check_conditions(check, name, rules)
    if isinstance(type, str) and check.typed:
        _check_default(check, name, type, default, sensitive)
    check.done()
    return texts[0] or name, rules, texts[1], texts[2]


def _check_conditions(check: Any, name: str, rules: Sequence[InputRule]) -> None:
    """A rule whose condition never names the input it checks: Terraform refuses it at `terraform
    init` ("The condition for variable ... must refer to var.<name> in order to test incoming
    values"). Other inputs may be named too (Terraform 1.9 and later; this library needs 1.11)."""
    from sigmatiq_infra.validation import is_token

    reference = re.compile(r"\bvar\." + re.escape(name) + r"(?![\w-])")
    for number, rule in enumerate(rules):
        condition = rule.condition
        if not isinstance(condition, str) or is_token(condition) or VALUE in condition or reference.search(condition):
            continue  # a condition built from a variable's reference is Terraform's to judge
        check.fail(
            f"rules[{number}].condition", rule.condition,
            "does not refer to the input it checks; terraform init refuses it (\"The condition for variable "
            f"'{name}' must refer to var.{name} in order to test incoming values\")",
            "a condition over {value} (the input's value), which may also name other inputs, e.g. "
            "'{value} > var.min_count' (Terraform, \"Input Variables\": custom validation rules)",
            "write the input's value as {value} in the condition, e.g. 'length({value}) >= 8'",
        )


_NUMERAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_BOOL_TEXTS = ("true", "false", "1", "0")
_DEFAULT_EXAMPLES = {"string": "'text'", "number": "1", "bool": "True"}
_DEFAULTS_TAKEN = {
    "string": "text, a number or True/False", "number": "a number, or a numeral as text ('3', '2.5')",
    "bool": "True or False, or the text 'true', 'false', '1' or '0'",
}


def _fits(type: str, value: Any) -> bool | None:
    """Whether Terraform converts `value` to `type` (False: "Invalid default value for
    variable"), for the primitive types and list, set and map of them; None when it is left to
    Terraform (`any`, objects, tuples, deploy-time values)."""
    from sigmatiq_infra.validation import is_token

    if value is None or is_token(value):
        return None
    written = type.strip()
    collection = _COLLECTION.fullmatch(written)
    containers = (list, tuple, set, frozenset, dict)
    if collection is not None:
        kind, element = collection[1].lower(), collection[2]
        if kind == "map":
            members = value.values() if isinstance(value, dict) else None
        else:
            members = value if isinstance(value, (list, tuple, set, frozenset)) else None
        if members is None:
            return False if isinstance(value, (str, int, float, *containers)) else None
        fits = [_fits(element, member) for member in members]
        return False if False in fits else None
    if written == "string":
        return False if isinstance(value, containers) else None
    if written == "number":
        if isinstance(value, (bool, *containers)):
            return False
        if isinstance(value, str):
            infinity = value.lstrip("+-").lower() in ("inf", "infinity")
            return None if infinity or _NUMERAL.fullmatch(value) else False
        return None
    if written == "bool":
        if isinstance(value, bool):
            return None
        if isinstance(value, str):
            return None if value in _BOOL_TEXTS else False
        return False if isinstance(value, (int, float, *containers)) else None
    return None


def _example(type: str) -> str:
    collection = _COLLECTION.fullmatch(type.strip())
    if collection is None:
        return _DEFAULT_EXAMPLES.get(type.strip(), "None")
    element = _example(collection[2])
    return f"{{'key': {element}}}" if collection[1].lower() == "map" else f"[{element}]"


def _taken(type: str) -> str:
    collection = _COLLECTION.fullmatch(type.strip())
    if collection is None:
        return _DEFAULTS_TAKEN.get(type.strip(), "a value of that type")
    holder = "a dict whose values are each" if collection[1].lower() == "map" else "a list whose members are each"
    return f"{holder} {_taken(collection[2])}"


def _check_default(check: Any, name: str, type: str, default: Any, sensitive: bool) -> None:
    """A default Terraform cannot convert to the input's type: `terraform init` stops on it
    ("Invalid default value for variable: This default value is not compatible with the
    variable's type constraint"). And a sensitive input's default: Terraform takes it, but it is
    written in plain text into the synthesized stack, which an app commits, uploads or prints."""
    from sigmatiq_infra.validation import is_token

    if sensitive and default not in (None, "", [], {}, ()) and not is_token(default):
        check.fail(
            "default", "<sensitive>",
            "is a sensitive input's default, which synth writes in plain text into the stack's cdk.tf.json",
            "no default on a sensitive input (its value comes at deploy time, never in code)",
            f"leave default out and set TF_VAR_{name} when deploying; or, if the value is no secret, "
            "drop sensitive=True",
        )
        return
    if _fits(type, default) is not False:
        return
    check.fail(
        "default", "<sensitive>" if sensitive else default,
        f"is not a value of the input's type {type!r}; terraform init refuses it (\"Invalid default value for "
        "variable\")",
        f"{_taken(type)} (what Terraform converts to {type.strip()}; Terraform, \"Type Constraints\")",
        f"give a default of type {type.strip()}, e.g. default={_example(type)}, or leave default out so the "
        "input must be set",
    )


_PRIMITIVE_TYPES = ("string", "number", "bool", "any")
_BARE_COLLECTIONS = ("list", "map")
"""Terraform's type keywords that stand alone: the primitive types and `any`, and the legacy
`list` and `map` (of `any`). `set`, `object`, `tuple` and `optional` take arguments; any other
word is "Invalid type specification" at `terraform init` (Terraform, "Type Constraints")."""
_COLLECTION = re.compile(r"\s*(list|map|set)\s*\((.*)\)\s*", re.DOTALL | re.IGNORECASE)
_TYPE_SUGGESTIONS = {
    "int": "number", "integer": "number", "float": "number", "double": "number", "decimal": "number",
    "long": "number", "str": "string", "text": "string", "boolean": "bool", "set": "set(string)",
    "object": "object({ name = string })", "tuple": "tuple([string, number])", "array": "list(string)",
    "dict": "map(string)",
}


def _check_type(check: Any, type: str) -> None:
    """A type Terraform refuses at `terraform init`, found where it is plain to see: a word alone
    (`int`, `String`), the element type of `list(...)`, `map(...)` or `set(...)` (`list(int)`), or
    one of those keywords not in lowercase (`List(string)`). Object and tuple types, and anything
    else, are left to Terraform."""
    element, keywords = type, []
    while (collection := _COLLECTION.fullmatch(element)) is not None:
        keywords.append(collection[1])
        element = collection[2]
    word = element.strip()
    unknown = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", word) is not None and word not in (
        _PRIMITIVE_TYPES + _BARE_COLLECTIONS
    )
    wrong_case = next((keyword for keyword in keywords if keyword != keyword.lower()), None)
    if not unknown and wrong_case is None:
        return
    written = re.sub(r"(?i)\b(list|map|set)(?=\s*\()", lambda keyword: keyword[0].lower(), type)
    if unknown:
        meant = _TYPE_SUGGESTIONS.get(word.lower()) or (word.lower() if word.lower() in _PRIMITIVE_TYPES else "string")
        head, _, tail = written.rpartition(word)  # the innermost word is the last: only ')' and spaces follow it
        written = head + meant + tail
    check.type_problem(
        "type", type, "is not a Terraform type (" + (
            f"{word!r} is no type keyword" if unknown else f"{wrong_case!r}: its type keywords are lowercase"
        ) + "; terraform init stops on it)",
        "string, number, bool or any; list(T), map(T) or set(T); object({...}) or tuple([...]) (Terraform, "
        "\"Type Constraints\")", f"write type={written.strip()!r}",
    )


def _suggested_input_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_")
    cleaned = f"_{cleaned}" if cleaned[:1].isdigit() else cleaned
    return f"{cleaned}_input" if cleaned in _RESERVED_INPUT_NAMES else cleaned or "db_password"


@checked_function
def secret_input(
    scope: Construct, name: str, *, what: str, rules: Sequence[InputRule] = (), how: str = "", note: str = "",
) -> TerraformVariable:
    """A secret given at deploy time (`TF_VAR_<name>`): a sensitive, ephemeral string
    variable, kept out of state and plan files, that only write-only arguments may receive
    (see `WriteOnlySecret`). Terraform checks it against `rules`."""
    return deploy_input(
        scope, name, what=what, type="string", rules=rules, sensitive=True, ephemeral=True, how=how, note=note,
    )


WHOLE_NUMBER_RULES = (
    InputRule(
        "{value} >= 1 && floor({value}) == {value}", "is not a whole number of at least 1",
        "a whole number of at least 1, such as 1 or 2",
    ),
)
"""The rules of a version counter of a write-only value."""
