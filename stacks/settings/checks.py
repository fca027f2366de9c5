"""The explicit validation step of the settings, run when an app is built from them.

First every field is checked against its annotation (`sigmatiq_infra.typecheck`): with a
wrong type, nothing else is checked, since the rules would only trip over it. Then the rules
that concern the settings as a whole, which no single construct can see: environment names,
app names within an environment, names Azure keeps unique across all of Azure used twice,
tags, regions, subnet roles, the adoption ids, the replacement opt-ins, and the VPN root
certificate, whose file is read here (so the stacks do no file I/O). The constructs then
check their own props as the stacks create them.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from pathlib import Path

from sigmatiq_infra import azure_ids, typecheck
from sigmatiq_infra.certificates import check_root_certificate, read_root_certificate
from sigmatiq_infra.validation import ValidationError, Validator
from stacks.settings.schema import REDIS_SERVICES, EnvironmentSettings, Settings

STACK_NAMES = ("state", "shared")
"""Stack names the environments cannot take."""
SUBNET_ROLES = ("PRIVATE_ENDPOINTS", "CONTAINER_APPS", "GATEWAY", "DNS_RESOLVER_INBOUND", "DNS_RESOLVER_OUTBOUND")
ENVIRONMENT_NAME = re.compile(r"[a-z][a-z0-9]{0,19}")


def prepare(settings: Settings) -> Settings:
    """`settings` checked, with the VPN root certificates read; raises one ValidationError
    with every problem. Warnings travel in `Settings.warnings`."""
    prepared, problems, warnings = check(settings)
    if problems:
        raise ValidationError(problems, warnings)
    return prepared


def check(settings: Settings) -> tuple[Settings, list[str], list[str]]:
    """(the prepared settings, problems, warnings)."""
    types = _type_problems(settings)
    if types:
        return settings, types, []
    problems: list[Validator] = []
    environments = {}
    for key, env in settings.environments.items():
        check = Validator("EnvironmentSettings", key)
        _check_environment(check, key, env)
        env, certificate = _with_root_certificate(env)
        problems += [check, *certificate]
        environments[key] = env
    problems.append(_check_unique_names(settings))
    problems += _check_locations_and_tags(settings)
    if settings.state is not None and settings.state.ci_principal_id is not None:
        check = Validator("StateSettings", "state")
        check.require(
            azure_ids.GUID.fullmatch(settings.state.ci_principal_id) is not None, "ci_principal_id",
            settings.state.ci_principal_id, "is not an object id",
            "a GUID such as 00000000-0000-0000-0000-000000000000",
            "set SIGMATIQ_STATE_CI_PRINCIPAL_ID to the object id of CI's service principal "
            "(`az ad sp show --id <app id> --query id -o tsv`)",
        )
        problems.append(check)
    prepared = dataclasses.replace(settings, environments=environments)
    found = [p for check in problems for p in check.problems]
    found += settings.shared.adoption.problems("shared")  # the library's rules for adoption ids and opt-ins
    for key, env in settings.environments.items():
        found += env.adoption.problems(key)
    warnings = [w for check in problems for w in check.warnings]
    return dataclasses.replace(prepared, warnings=tuple(warnings)), found, warnings


def _type_problems(settings: Settings) -> list[str]:
    found = []
    for problem in typecheck.problems_of(settings):
        # environments['beta'].apps[0] -> beta/apps[0], as the stacks' paths read
        trail = re.sub(r"^environments\['([^']*)'\]", r"\1", problem.trail).replace(".", "/") or "settings"
        check = Validator(problem.owner if problem.trail else "Settings", trail)
        check.type_problem(*problem.message_parts(problem.field))
        found += check.problems
    return found


def _check_environment(check: Validator, key: str, env: EnvironmentSettings) -> None:
    check.require(
        env.name == key, "name", env.name, f"differs from its key {key!r} in environments",
        "the same name as the key (the stack is named after it)", f"set name={key!r}, or rename the key",
    )
    check.require(
        ENVIRONMENT_NAME.fullmatch(env.name) is not None, "name", env.name, "is not a usable environment name",
        "1-20 lowercase letters and digits, starting with a letter (it names the stack and SIGMATIQ_<ENV>_ variables)",
        "choose a name such as 'qa' or 'staging2'",
    )
    check.require(
        env.name not in STACK_NAMES, "name", env.name, "is the name of another stack",
        f"any name but {', '.join(map(repr, STACK_NAMES))}", "choose another name",
    )
    names = [app.name for app in env.apps]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    check.require(
        not duplicates, "apps", duplicates, "appear more than once", "each app name once",
        "remove or rename the duplicate entries",
    )
    check.one_of("redis.service", env.redis.service, REDIS_SERVICES, "use 'managed-redis' for Azure Managed Redis")
    for index, subnet in enumerate(env.network.subnets if env.network else ()):
        check.one_of(f"network.subnets[{index}].role", subnet.role, SUBNET_ROLES)


def _with_root_certificate(env: EnvironmentSettings) -> tuple[EnvironmentSettings, list[Validator]]:
    """`env` with its VPN root certificate as base64 DER: from the setting, else from the
    file when it exists (else it stays a deploy-time input)."""
    if env.network is None:
        return env, []
    vpn = env.network.vpn
    if vpn.root_certificate:
        data, check = check_root_certificate(vpn.root_certificate, where=f"{env.name}/network/vpn/root_certificate")
    elif Path(vpn.root_certificate_file).exists():
        data, check = read_root_certificate(vpn.root_certificate_file)
    else:
        return env, []
    vpn = dataclasses.replace(vpn, root_certificate=data)
    return dataclasses.replace(env, network=dataclasses.replace(env.network, vpn=vpn)), [check]


def _check_unique_names(settings: Settings) -> Validator:
    """Names Azure keeps unique across all of Azure may be used by one resource only."""
    owners: dict[tuple[str, str], list[str]] = defaultdict(list)
    shared = settings.shared
    owners[("Key Vault", shared.key_vault)].append("shared key_vault")
    owners[("container registry", shared.registry)].append("shared registry")
    if settings.state is not None:
        owners[("storage account", settings.state.storage_account)].append("state storage_account")
    for key, env in settings.environments.items():
        owners[("Key Vault", env.key_vault.name)].append(f"{key} key_vault")
        owners[("PostgreSQL server", env.postgres.name)].append(f"{key} postgres")
        owners[("cache", env.redis.name)].append(f"{key} redis")
        owners[("App Configuration store", env.app_configuration.name)].append(f"{key} app_configuration")
    check = Validator("Settings", "environments")
    for (kind, name), users in owners.items():
        check.require(
            len(users) == 1, f"{kind} name", name, f"is used by {' and '.join(users)}",
            f"one resource per name: Azure keeps {kind} names unique across all of Azure",
            "give each environment its own name (derive_environment(BETA, 'qa') renames them all)",
        )
    return check


def _check_locations_and_tags(settings: Settings) -> list[Validator]:
    checks = []
    places = [("shared", settings.shared.location, settings.shared.tags)]
    places += [(key, env.location, env.tags) for key, env in settings.environments.items()]
    if settings.state is not None:
        places.append(("state", settings.state.location, settings.state.tags))
    for where, location, tags in places:
        check = Validator("Settings", where)
        check.location("location", location)
        check.tags("tags", tags)
        checks.append(check)
    return checks
