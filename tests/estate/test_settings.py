"""Settings: one typed module; image tag and location change without editing code."""

import pytest
from estate_helpers import ISOLATED
from helpers import ROOT

from sigmatiq_infra.validation import ValidationError
from stacks.settings import BETA, DEFAULTS, load


def test_without_overrides_the_settings_are_the_deployed_values():
    settings = load(environ=ISOLATED)
    assert settings == DEFAULTS
    assert settings.shared.location == "centralus"
    assert settings.environments["beta"].image_tag == "beta"


def test_sigmatiq_image_tag_changes_the_tag_of_every_environment():
    settings = load(environ={**ISOLATED, "SIGMATIQ_IMAGE_TAG": "2026.11.3"})
    assert settings.environments["beta"].image_tag == "2026.11.3"


def test_an_environment_specific_image_tag_wins_over_the_global_one():
    settings = load(environ={**ISOLATED, "SIGMATIQ_IMAGE_TAG": "x", "SIGMATIQ_BETA_IMAGE_TAG": "rc1"})
    assert settings.environments["beta"].image_tag == "rc1"


def test_sigmatiq_location_moves_every_stack():
    settings = load(environ={**ISOLATED, "SIGMATIQ_LOCATION": "westeurope"})
    assert settings.shared.location == "westeurope"
    assert settings.environments["beta"].location == "westeurope"


def test_an_empty_override_is_ignored():
    assert load(environ={**ISOLATED, "SIGMATIQ_LOCATION": "", "SIGMATIQ_IMAGE_TAG": ""}) == DEFAULTS


def test_the_apps_are_listed_once_each_with_their_ports():
    assert {a.name: a.port for a in BETA.apps} == {
        "ca-auth-api": 8004, "ca-native-api": 8002, "ca-pilot-api": 8003,
        "ca-card-api": 8005, "ca-sim-api": 8084,
    }


def test_an_app_listed_twice_is_rejected_when_the_settings_are_checked_not_when_they_are_written():
    import dataclasses

    from stacks.settings.checks import prepare

    settings = dataclasses.replace(DEFAULTS, environments={
        "beta": dataclasses.replace(BETA, apps=(*BETA.apps, BETA.apps[0])),
    })
    with pytest.raises(ValidationError) as error:
        prepare(settings)
    assert str(error.value) == (
        "EnvironmentSettings 'beta': apps ['ca-auth-api'] appear more than once. "
        "Allowed: each app name once. Fix: remove or rename the duplicate entries."
    )


@pytest.mark.slow
def test_reading_settings_does_not_load_the_azurerm_bindings():
    import subprocess
    import sys

    from sigmatiq_infra.engine import selected

    code = (
        "import sys, stacks.settings, stacks.settings.checks; stacks.settings.load(); "
        f"print(any(m.startswith(({selected().provider!r}, 'jsii', 'constructs')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
