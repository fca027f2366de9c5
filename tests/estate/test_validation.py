"""The estate's settings fail the whole app before synth, naming the setting or the app's path."""

import dataclasses

from estate_helpers import ISOLATED
from helpers import error_of

from stacks.app import build_app
from stacks.settings import load


def test_a_bad_location_setting_fails_the_whole_app_before_synth():
    settings = load(environ=ISOLATED)
    settings = dataclasses.replace(settings, shared=dataclasses.replace(settings.shared, location="Centrl US"))
    assert error_of(lambda: build_app(settings)) == (
        "Settings 'shared': location 'Centrl US' is not an Azure region (did you mean 'centralus'?). "
        "Allowed: a region's programmatic name such as 'centralus' or 'westeurope', or its display name such as "
        "'West Europe' (Microsoft's Azure regions list, regions-list.md of 2025-09-23). Fix: use 'centralus'."
    )


def test_settings_with_a_bad_app_fail_the_build_with_the_app_path():
    settings = load(environ=ISOLATED)
    beta = settings.environments["beta"]
    bad = dataclasses.replace(beta, apps=(dataclasses.replace(beta.apps[0], port=0),))
    settings = dataclasses.replace(settings, environments={"beta": bad})
    assert error_of(lambda: build_app(settings)) == (
        "ContainerApp 'beta/ca-auth-api': target_port 0 is out of range. Allowed: 1 to 65535. "
        "Fix: set target_port between 1 and 65535."
    )
