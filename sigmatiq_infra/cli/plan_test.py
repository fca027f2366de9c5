"""`plan-test`: each stack's plan against a mocked azurerm provider (`terraform test`), with
no Azure account (see `sigmatiq_infra.plan_test`). After `cdktf synth`:
`sigmatiq-infra plan-test shared beta`."""

from __future__ import annotations

import argparse
import sys

from sigmatiq_infra.cli.errors import CliError
from sigmatiq_infra.cli.stacks import add_synth_output, check_stack_name, load_stack, stack_names


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "plan-test", help="plan stacks against a mocked azurerm provider (terraform test)",
        description=(
            "Write sigmatiq-plan.tftest.hcl into each stack's folder of the synth output and run `terraform init "
            "-backend=false` and `terraform test` there: the provider's argument checks, the stack's preconditions "
            "and every deploy-time input rule run against a mocked azurerm provider, with no Azure account. "
            "Terraform still needs the azurerm provider itself (from the registry, or a provider mirror in your "
            "Terraform configuration); without it the command says so and fails."
        ),
    )
    command.add_argument("stacks", metavar="STACK", nargs="+", help="synthesized stacks to plan")
    add_synth_output(command)
    command.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE",
        help="a deploy-time input's test value (default: one its rules accept)",
    )
    command.add_argument("--verbose", action="store_true", help="print Terraform's output of every stack")
    command.set_defaults(run=run, loads_constructs=True)  # the ARM types of other stacks' resources it reads


def run(arguments: argparse.Namespace) -> int:
    from sigmatiq_infra.plan_test import plan_test, unknown_variables

    variables = {}
    for item in arguments.var:
        name, separator, value = item.partition("=")
        if not separator or not name:
            raise CliError(f"plan-test: --var {item!r} is not NAME=VALUE. Fix: write e.g. --var db_password=...")
        variables[name] = value
    available = stack_names(arguments.out)
    for stack in arguments.stacks if available else ():  # a misspelt stack: the likely one, and the stacks there
        check_stack_name(stack, arguments.out, available, "plan-test")
    missing = [s for s in arguments.stacks if not (arguments.out / "stacks" / s / "cdk.tf.json").is_file()]
    if missing:
        raise CliError(
            f"plan-test: {', '.join(missing)} not synthesized in {arguments.out}. Fix: run `cdktf synth` first, or "
            "pass --out with your app's output folder."
        )
    for stack in arguments.stacks:  # a stack the mock can read (not JSON, no stack: one line, as for diagram)
        load_stack(stack, arguments.out)
    unknown, inputs = unknown_variables(arguments.stacks, arguments.out, variables)
    if unknown:
        raise CliError(
            f"plan-test: --var {', '.join(unknown)}: no such input in {', '.join(arguments.stacks)} (its inputs: "
            f"{', '.join(inputs) or 'none'}). Fix: name an input the stack has, or leave --var out."
        )
    status = 0
    for result in plan_test(arguments.stacks, arguments.out, variables=variables):
        if result.missing:
            print(f"sigmatiq-infra: plan-test {result.stack}: {result.missing}", file=sys.stderr)
            status = 1
            continue
        print(f"{result.stack}: mocked plan {'passed' if result.passed else 'FAILED'}")
        if arguments.verbose or not result.passed:
            print(result.output.rstrip())
        status = status or (0 if result.passed else 1)
    return status
