"""Reading the environment: the documented environment-variable overrides of the estate's
settings, and the files they point at (the operator IP file).

Overrides without editing code (environment variables, read by `load()`):

- `SIGMATIQ_LOCATION`             Azure region for every stack (default `centralus`).
- `SIGMATIQ_IMAGE_TAG`            image tag for the apps of every environment.
- `SIGMATIQ_<ENV>_IMAGE_TAG`      image tag for one environment, e.g. `SIGMATIQ_BETA_IMAGE_TAG`.
- `SIGMATIQ_<ENV>_VPN_ROOT_CERT_FILE`  P2S root certificate file of a private environment.
- `SIGMATIQ_<ENV>_BOOTSTRAP=1`    first deploy of a private environment from outside its VNet.
- `SIGMATIQ_<ENV>_ALERT_EMAILS`   alert receivers of one environment: `oncall=ops@example.com,...`.
- `SIGMATIQ_REMOTE_STATE=1`       keep state in the `state` stack's storage account.
- `SIGMATIQ_STATE_STORAGE_ACCOUNT`, `SIGMATIQ_STATE_RESOURCE_GROUP`, `SIGMATIQ_STATE_CONTAINER`,
  `SIGMATIQ_STATE_CI_PRINCIPAL_ID`  where that is, and who in CI may read it.
- `SIGMATIQ_OPERATOR_IPS_FILE`    the operator IP file (default `config/operator-ips.json`).

The Azure subscription and tenant are never settings: they come from the azurerm
provider's own authentication (`az login`, or `ARM_SUBSCRIPTION_ID`/`ARM_TENANT_ID`/...).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from sigmatiq_infra import ENVIRONMENT_VARIABLES
from sigmatiq_infra.deployed import AdoptionSettings
from sigmatiq_infra.switches import library_variable_problems, read_switch
from sigmatiq_infra.validation import ValidationError, Validator
from stacks.settings.schema import EnvironmentSettings, Settings
from stacks.settings.values import DEFAULTS


def load(environ: Mapping[str, str] | None = None, base: Settings = DEFAULTS) -> Settings:
    """The settings with the documented environment-variable overrides applied. Raises one
    ValidationError listing every bad override. (The settings themselves are checked when an
    app is built from them: `stacks.settings.checks.prepare`.)"""
    settings, problems = read_environment(os.environ if environ is None else environ, base)
    if problems:
        raise ValidationError(problems)
    return settings


def read_environment(environ: Mapping[str, str], base: Settings = DEFAULTS) -> tuple[Settings, list[str]]:
    """(the settings with the overrides applied, the problems of bad overrides): a bad value
    is reported and leaves the setting as it was."""
    problems: list[str] = []
    location = environ.get("SIGMATIQ_LOCATION") or None
    if location is not None:
        check = Validator("Environment variable", "SIGMATIQ_LOCATION")
        check.location("value", location)
        problems += check.problems
        location = location if check.problems == () else None
    subscription = environ.get("ARM_SUBSCRIPTION_ID") or None
    try:
        operator_ips = read_operator_ips(environ.get("SIGMATIQ_OPERATOR_IPS_FILE") or OPERATOR_IPS_FILE)
    except ValidationError as error:
        problems.extend(error.problems)
        operator_ips = {}
    shared = dataclasses.replace(
        base.shared, location=location or base.shared.location,
        adoption=_with_subscription(base.shared.adoption, subscription),
    )
    environments = {}
    for key, env in base.environments.items():
        tag = environ.get(f"SIGMATIQ_{key.upper()}_IMAGE_TAG") or environ.get("SIGMATIQ_IMAGE_TAG")
        bootstrap = read_switch(environ, f"SIGMATIQ_{key.upper()}_BOOTSTRAP", problems, default=env.bootstrap)
        env = dataclasses.replace(
            env, location=location or env.location, image_tag=tag or env.image_tag,
            bootstrap=bootstrap,
            adoption=_with_subscription(env.adoption, subscription),
        )
        emails = environ.get(f"SIGMATIQ_{key.upper()}_ALERT_EMAILS")
        if emails is not None and emails.strip():
            found, bad = read_alert_emails(f"SIGMATIQ_{key.upper()}_ALERT_EMAILS", emails, env)
            problems += bad
            if found and env.alerts is not None:
                env = dataclasses.replace(env, alerts=dataclasses.replace(env.alerts, emails=found))
        if operator_ips.get(key):
            env = dataclasses.replace(env, postgres=dataclasses.replace(
                env.postgres, operator_ips={**env.postgres.operator_ips, **operator_ips[key]},
            ))
        variable = f"SIGMATIQ_{key.upper()}_VPN_ROOT_CERT_FILE"
        certificate = environ.get(variable)
        if certificate and env.network:
            check = Validator("Environment variable", variable)
            check.require(
                Path(certificate).is_file(), "value", certificate, "is not a file",
                "the path of the P2S root certificate file (PEM, DER or base64 DER)",
                f"point it at the certificate, or unset it to use {env.network.vpn.root_certificate_file} "
                "(or the deploy-time input when that does not exist)",
            )
            problems += check.problems
            if not check.problems:
                vpn = dataclasses.replace(env.network.vpn, root_certificate_file=certificate)
                env = dataclasses.replace(env, network=dataclasses.replace(env.network, vpn=vpn))
        elif certificate:
            check = Validator("Environment variable", variable)
            check.fail("value", certificate, f"has no effect: environment {key!r} has no network (no VPN)",
                       "this variable only for an environment with network settings", f"unset {variable}")
            problems += check.problems
        environments[key] = env
    state = base.state
    if state is not None:
        state = dataclasses.replace(
            state,
            location=location or state.location,
            storage_account=environ.get("SIGMATIQ_STATE_STORAGE_ACCOUNT") or state.storage_account,
            resource_group=environ.get("SIGMATIQ_STATE_RESOURCE_GROUP") or state.resource_group,
            container=environ.get("SIGMATIQ_STATE_CONTAINER") or state.container,
            ci_principal_id=environ.get("SIGMATIQ_STATE_CI_PRINCIPAL_ID") or state.ci_principal_id,
        )
    remote = read_switch(environ, "SIGMATIQ_REMOTE_STATE", problems, default=base.remote_state)
    problems += library_variable_problems(environ)  # SIGMATIQ_ENGINE, SIGMATIQ_FULL_IMPORT
    problems += unknown_variables(environ, base)
    settings = Settings(shared=shared, environments=environments, state=state, remote_state=remote)
    return settings, problems


KNOWN_VARIABLES = (
    "SIGMATIQ_LOCATION", "SIGMATIQ_IMAGE_TAG", "SIGMATIQ_REMOTE_STATE",
    "SIGMATIQ_STATE_STORAGE_ACCOUNT", "SIGMATIQ_STATE_RESOURCE_GROUP", "SIGMATIQ_STATE_CONTAINER",
    "SIGMATIQ_STATE_CI_PRINCIPAL_ID", "SIGMATIQ_OPERATOR_IPS_FILE", *ENVIRONMENT_VARIABLES,
)
PER_ENVIRONMENT = ("IMAGE_TAG", "BOOTSTRAP", "VPN_ROOT_CERT_FILE", "ALERT_EMAILS")
"""`SIGMATIQ_<ENV>_<name>`: variables that exist once per environment."""


_EMAIL_ADDRESS = re.compile(r"[^@\s,=]+@[^@\s,=]+\.[A-Za-z]{2,}")


def read_alert_emails(variable: str, text: str, env: EnvironmentSettings) -> tuple[dict[str, str], list[str]]:
    """`name=address,address,...` -> ({receiver name: address}, problems). A bare address is
    named after its part before the @."""
    found: dict[str, str] = {}
    problems: list[str] = []
    check = Validator("Environment variable", variable)
    check.require(
        env.alerts is not None, "value", text, f"has no effect: environment {env.name!r} has no alert settings",
        "this variable only for an environment with `alerts` settings", f"unset {variable}, or give {env.name} alerts",
    )
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        name, _, address = entry.rpartition("=")
        address = address.strip()
        name = name.strip() or address.split("@", 1)[0]
        if _EMAIL_ADDRESS.fullmatch(address) is None:
            check.fail(
                "entry", entry, "is not an e-mail address", "comma-separated entries `name=address` or `address`",
                "write e.g. SIGMATIQ_PROD_ALERT_EMAILS='oncall=ops@example.com,alice@example.com'",
            )
            continue
        same = next((known for known in found if known.lower() == name.lower()), None)
        if same is not None:  # a receiver name once per action group, in any case
            check.fail(
                "entry", entry, f"names the receiver {same!r} again (for {found[same]})",
                "each receiver name once, in any case", f"give it a name of its own, e.g. '{name}2={address}'",
            )
            continue
        found[name] = address
    problems += check.problems
    return found, problems


def unknown_variables(environ: Mapping[str, str], base: Settings = DEFAULTS) -> list[str]:
    """A `SIGMATIQ_` variable the project does not read is a typo (`SIGMATIQ_PRDO_BOOTSTRAP`):
    it would be ignored silently, so it is a problem, with the likely meant name."""
    import difflib

    known = list(KNOWN_VARIABLES) + [
        f"SIGMATIQ_{key.upper()}_{name}" for key in base.environments for name in PER_ENVIRONMENT
    ]
    problems = []
    for name in sorted(environ):
        if name.startswith("SIGMATIQ_") and name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            problems.append(
                f"Environment variable '{name}': it is not a setting this project reads"
                + (f" (did you mean {close[0]}?)" if close else "")
                + ". Allowed: the variables listed in docs/estate/README.md's Settings section. Fix: "
                + (f"rename it to {close[0]}" if close else "unset it") + "."
            )
    return problems


OPERATOR_IPS_FILE = "config/operator-ips.json"


def read_operator_ips(path: str | os.PathLike[str]) -> dict[str, dict[str, str]]:
    """`{environment: {operator: ip}}` from the operator IP file, or `{}` when it is absent."""
    file = Path(path)
    if not file.exists():
        return {}
    try:
        data = json.loads(file.read_text())
        return {str(env): {str(k): str(v) for k, v in ips.items()} for env, ips in data.items()}
    except OSError as problem:
        raise ValidationError([
            f"Operator IP file '{file}': it cannot be read ({problem.strerror}). Allowed: a readable JSON file. "
            "Fix: point SIGMATIQ_OPERATOR_IPS_FILE at the file `sigmatiq-infra allow-ip` writes."
        ]) from None
    except (ValueError, AttributeError) as problem:
        raise ValidationError([
            f"Operator IP file '{file}': content is not valid ({problem}). Allowed: a JSON object "
            '{"<environment>": {"<operator>": "<IPv4>"}}. Fix: repair or delete the file, then '
            "record IPs with `sigmatiq-infra allow-ip`."
        ]) from None


def _with_subscription(adoption: AdoptionSettings, subscription: str | None) -> AdoptionSettings:
    if adoption.subscription_id or not subscription:
        return adoption
    return dataclasses.replace(adoption, subscription_id=subscription)
