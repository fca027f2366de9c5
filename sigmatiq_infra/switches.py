"""On/off environment variables: one reader for all of them, strict about what it accepts.

`SIGMATIQ_REMOTE_STATE=false` must never mean "on". A switch accepts `1`, `true`, `yes`,
`on` and `0`, `false`, `no`, `off`, in any case and with spaces around them ignored, as
`SIGMATIQ_ENGINE` reads its value; unset or empty (or only spaces) means its default.
Anything else is a problem that stops synth, naming the variable, the value and what is allowed.

This module imports nothing heavy: the jsii kernel start reads a switch before any binding.
"""

from __future__ import annotations

from collections.abc import Mapping

from sigmatiq_infra.validation import Validator

ON = ("1", "true", "yes", "on")
OFF = ("0", "false", "no", "off")
ALLOWED = f"{', '.join(ON)} (on) or {', '.join(OFF)} (off), in any case; unset or empty for the default"


def parse_switch(value: str | None) -> bool | None:
    """True or False for a value a switch accepts, None for unset/empty; ValueError otherwise."""
    word = (value or "").strip().lower()
    if not word:
        return None
    if word in ON:
        return True
    if word in OFF:
        return False
    raise ValueError(value)


def read_switch(environ: Mapping[str, str], name: str, problems: list[str], default: bool = False) -> bool:
    """The switch `name` in `environ` (its default when unset); a bad value is added to
    `problems` and reads as the default."""
    value = environ.get(name)
    try:
        parsed = parse_switch(value)
    except ValueError:
        check = Validator("Environment variable", name)
        check.fail(
            "value", value, "is not an on/off value", ALLOWED,
            f"set {name}=1 to turn it on, or {name}=0 (or unset it) to turn it off",
        )
        problems.extend(check.problems)
        return default
    return default if parsed is None else parsed


def switch_is_on(environ: Mapping[str, str], name: str) -> bool:
    """For code that runs before settings are read (the jsii kernel start): on only for an
    accepted "on" value; a bad value reads as off here and is reported when settings load."""
    try:
        return parse_switch(environ.get(name)) is True
    except ValueError:
        return False


def library_variable_problems(environ: Mapping[str, str]) -> list[str]:
    """The problems of the environment variables the library reads when it starts, before
    any app code runs (`SIGMATIQ_ENGINE`, `SIGMATIQ_FULL_IMPORT`): a value that names no
    engine, or a switch that is not on/off. The library's `App` reports them; an app that
    reads its own variables adds them to its list with these."""
    from sigmatiq_infra import engine

    problems: list[str] = []
    read_switch(environ, "SIGMATIQ_FULL_IMPORT", problems)
    engine_problem = engine.problem(environ)
    if engine_problem:
        problems.append(engine_problem)
    return problems
