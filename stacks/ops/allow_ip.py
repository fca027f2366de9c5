"""`allow-ip`: let an operator's public IP through an environment's PostgreSQL firewall
(the seed's whitelist-my-ip-beta.sh, recorded in code instead of clicked in)."""

from __future__ import annotations

import argparse
import difflib
import getpass
import ipaddress
import json
import re
import urllib.request
from pathlib import Path

from sigmatiq_infra.cli.errors import CliError
from stacks.settings import DEFAULTS, OPERATOR_IPS_FILE, read_operator_ips

IP_ECHO = "https://api.ipify.org"
OPERATOR = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,54}")


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "allow-ip", help="allow an operator's IP through the PostgreSQL firewall",
        description=(
            "Record an operator's public IPv4 address in the environment's settings "
            f"({OPERATOR_IPS_FILE}); the next `cdktf deploy <env>` adds a PostgreSQL firewall rule "
            "named operator-<name> for it. Commit the file so every deploy keeps the rule."
        ),
    )
    command.add_argument("--ip", help="the public IPv4 address to allow (default: detect it with --detect)")
    command.add_argument("--detect", action="store_true", help=f"ask {IP_ECHO} for this machine's public IP")
    command.add_argument("--name", default=None, help="operator name for the rule (default: your user name)")
    command.add_argument("--env", default="beta", help="environment (default: %(default)s)")
    command.add_argument("--remove", action="store_true", help="remove the operator's entry instead")
    command.add_argument("--file", type=Path, default=Path(OPERATOR_IPS_FILE), help="default: %(default)s")
    command.set_defaults(run=allow_ip)


def allow_ip(arguments: argparse.Namespace) -> int:
    environment = DEFAULTS.environments.get(arguments.env)
    if environment is None:
        close = difflib.get_close_matches(arguments.env, list(DEFAULTS.environments), n=1)
        raise CliError(
            f"allow-ip: unknown environment {arguments.env!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
            + f". Allowed: {', '.join(DEFAULTS.environments)}. Fix: pass --env with one of those."
        )
    if environment.network is not None or not environment.postgres.public_access:
        raise CliError(
            f"allow-ip: {arguments.env} has no public PostgreSQL endpoint to open. Fix: connect "
            "through the point-to-site VPN instead."
        )
    name = _operator(arguments.name or getpass.getuser())
    entries = read_operator_ips(arguments.file)
    if arguments.remove:
        entries.get(arguments.env, {}).pop(name, None)
        address = None
    else:
        address = _public_ip(arguments.ip if arguments.ip or not arguments.detect else _detect())
        entries.setdefault(arguments.env, {})[name] = address
    try:
        arguments.file.parent.mkdir(parents=True, exist_ok=True)
        arguments.file.write_text(json.dumps(entries, indent=2, sort_keys=True) + "\n")
    except OSError as problem:
        raise CliError(
            f"allow-ip: cannot write {arguments.file} ({problem.strerror}). Fix: run it from the "
            "repository root, or pass a writable --file.", exit_code=1,
        ) from None
    action = f"allows {address}" if address else "no longer allows any address"
    print(f"{arguments.env}: rule operator-{name} {action} (in {arguments.file}); "
          f"run `cdktf deploy {arguments.env}` to apply")
    return 0


def _public_ip(value: str | None) -> str:
    if not value:
        raise CliError("allow-ip: no address given. Fix: pass --ip 203.0.113.7, or --detect.")
    try:
        address = ipaddress.IPv4Address(value)
    except ValueError:
        raise CliError(
            f"allow-ip: {value!r} is not an IPv4 address. Allowed: a public IPv4 address such as "
            "203.0.113.7. Fix: pass the address `curl https://api.ipify.org` shows."
        ) from None
    if not address.is_global:
        raise CliError(
            f"allow-ip: {value} is not a public address. Allowed: a public IPv4 address (the firewall "
            "sees your public IP, not a private, loopback or reserved one). Fix: pass your public IP."
        )
    return str(address)


def _operator(name: str) -> str:
    if not OPERATOR.fullmatch(name):
        raise CliError(
            f"allow-ip: operator name {name!r} is not allowed. Allowed: 1-55 letters, digits, '_' and '-'. "
            "Fix: pass --name, e.g. --name alice."
        )
    return name


def _detect() -> str:
    try:
        with urllib.request.urlopen(IP_ECHO, timeout=5) as response:
            return response.read().decode().strip()
    except OSError as problem:
        raise CliError(f"allow-ip: could not detect your public IP ({problem}). Fix: pass --ip.", exit_code=1) from None
