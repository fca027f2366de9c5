"""On/off environment variables: strict, one reader, and a bad value stops synth."""

import subprocess
import sys

import pytest
from estate_helpers import ISOLATED
from helpers import NODE_BIN, ROOT, error_of

from stacks.settings import load

SWITCHES = ("SIGMATIQ_REMOTE_STATE", "SIGMATIQ_BETA_BOOTSTRAP", "SIGMATIQ_PROD_BOOTSTRAP", "SIGMATIQ_FULL_IMPORT")


def test_false_really_turns_prod_bootstrap_and_remote_state_off():
    settings = load(environ={**ISOLATED, "SIGMATIQ_PROD_BOOTSTRAP": "false", "SIGMATIQ_REMOTE_STATE": "false"})
    assert settings.environments["prod"].bootstrap is False
    assert settings.remote_state is False


def test_on_values_turn_them_on():
    settings = load(environ={**ISOLATED, "SIGMATIQ_PROD_BOOTSTRAP": "yes", "SIGMATIQ_REMOTE_STATE": "On"})
    assert settings.environments["prod"].bootstrap is True
    assert settings.remote_state is True


@pytest.mark.parametrize("name", SWITCHES)
def test_a_bad_value_of_any_switch_names_the_variable_the_value_and_the_allowed_values(name):
    assert error_of(lambda: load(environ={**ISOLATED, name: "maybe"})) == (
        f"Environment variable '{name}': value 'maybe' is not an on/off value. Allowed: 1, true, yes, "
        "on (on) or 0, false, no, off (off), in any case; unset or empty for the default. Fix: set "
        f"{name}=1 to turn it on, or {name}=0 (or unset it) to turn it off."
    )


def test_every_bad_switch_is_reported_at_once():
    problems = error_of(lambda: load(environ={
        **ISOLATED, "SIGMATIQ_REMOTE_STATE": "enabled", "SIGMATIQ_PROD_BOOTSTRAP": "2",
    })).splitlines()
    assert [problem.split(":")[0] for problem in problems] == [
        "Environment variable 'SIGMATIQ_PROD_BOOTSTRAP'", "Environment variable 'SIGMATIQ_REMOTE_STATE'",
    ]


@pytest.mark.slow
def test_a_bad_switch_stops_main_py_with_the_numbered_list_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(  # as cdktf.json runs it (bin/app): main.py on the library's launcher
        [sys.executable, "-O", "-m", "sigmatiq_infra.launch", "main.py"], cwd=ROOT, capture_output=True, text=True,
        timeout=120,
        env={"PATH": f"{NODE_BIN}:/usr/bin:/bin", **ISOLATED,
             "SIGMATIQ_PROD_BOOTSTRAP": "false-ish", "CDKTF_OUTDIR": str(out)},
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        "sigmatiq-infra: synth stopped, nothing was written (1 problem):",
        "  1. Environment variable 'SIGMATIQ_PROD_BOOTSTRAP': value 'false-ish' is not an on/off value. "
        "Allowed: 1, true, yes, on (on) or 0, false, no, off (off), in any case; unset or empty for the "
        "default. Fix: set SIGMATIQ_PROD_BOOTSTRAP=1 to turn it on, or SIGMATIQ_PROD_BOOTSTRAP=0 (or unset "
        "it) to turn it off.",
    ]
    assert "Traceback" not in result.stderr
    assert not out.exists()


