"""Every Python block of the library's guides run as a user who copies it runs it (in a fresh
folder outside the repository, with the installed package, one process per page), every
library command line they show parsed by the real parser, and every `sigmatiq_infra.` name
they mention imported (README.md's library part, docs/library/*.md, the example's README)."""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import inspect
import json
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import ENGINE, NODE_BIN, ROOT, TERRAFORM, empty_provider_mirror

EXAMPLE = ROOT / "examples" / "orders-service"
PAGES = ("README.md", *(f"docs/library/{page.name}" for page in sorted((ROOT / "docs" / "library").glob("*.md"))),
         "examples/orders-service/README.md")


def guide_text(page: str) -> str:
    """The page as a user of the library reads it (README.md: its library part only)."""
    text = (ROOT / page).read_text()
    return text.split("## Run the Sigmatiq estate", 1)[0] if page == "README.md" else text


def fenced(page: str) -> list[tuple[str, str]]:
    """`(language, text)` of every fenced block of the page, in order."""
    found, opened, lines = [], None, []
    for line in guide_text(page).splitlines(keepends=True):
        if opened is None and line.startswith("```"):
            opened, lines = line[3:].strip(), []
        elif opened is not None and line.rstrip() == "```":
            found.append((opened, "".join(lines)))
            opened = None
        elif opened is not None:
            lines.append(line)
    return found


def python_blocks(page: str) -> list[str]:
    return [text for language, text in fenced(page) if language == "python"]


def block_with(page: str, text: str) -> str:
    [found] = [block for block in python_blocks(page) if text in block]
    return found


def inline_code(page: str) -> list[str]:
    """The page's inline code spans (outside fenced blocks), a line break read as a space."""
    prose = re.sub(r"^```.*?^```", "", guide_text(page), flags=re.S | re.M)
    return [" ".join(span.split()) for span in re.findall(r"`([^`]+)`", prose)]


def shell_lines(page: str) -> list[str]:
    return [line.strip() for language, text in fenced(page) if language in ("bash", "sh") for line in text.splitlines()]


# --- every block is run by a test ---------------------------------------------------------------

RUN_ELSEWHERE = {
    ("README.md", "with App() as app:"):
        "test_package.py::test_the_installed_wheel_synthesizes_the_readme_example_outside_the_repository",
    ("docs/library/README.md", "with App() as app:"):
        "test_package.py::test_the_readme_example_is_about_20_lines_and_the_library_guide_shows_the_same",
    ("docs/library/adoption.md", "adoption.role_assignments()"):
        "test_round15_docs_as_written.py::test_the_adoption_guides_calls_run_as_written_on_a_stack_with_those_constructs",
    ("docs/library/commands.md", "cli.run(root, constructs="):
        "test_round15_docs_as_written.py::test_the_commands_guides_own_command_runs_beside_the_examples_construct_and_"
        "a_missing_record_says_the_fix",
}
RUN_HERE = {
    ("docs/library/constructs.md", "class ServiceBusNamespace(AzureResource):"):
        "test_the_constructs_guides_shape_of_a_construct_of_ones_own_defines_and_synthesizes_completed_from_the_example",
    ("docs/library/testing.md", "template = Template.from_stack(stack)"):
        "test_the_testing_guides_blocks_run_in_order_on_the_examples_stack",
    ("docs/library/testing.md", "[result] = plan_test("):
        "test_the_testing_guides_blocks_run_in_order_on_the_examples_stack",
    ("docs/library/testing.md", "def test_the_database_password_never_reaches_state(template):"):
        "test_the_testing_guides_blocks_run_in_order_on_the_examples_stack",
    ("docs/library/validation.md", "suppress(environment,"):
        "test_the_validation_guides_suppression_runs_on_an_environment_and_lets_the_policy_pack_pass",
}


def test_every_python_block_of_the_guides_is_run_by_exactly_one_test():
    runners = {**RUN_ELSEWHERE, **RUN_HERE}
    unrun = [
        (page, block.splitlines()[0]) for page in PAGES for block in python_blocks(page)
        if len([key for key in runners if key[0] == page and key[1] in block]) != 1
    ]
    assert unrun == []
    assert [key for key in runners if not any(key[1] in block for block in python_blocks(key[0]))] == []
    here = {function for function in RUN_HERE.values()}
    assert {function for function in here if function in globals()} == here


# --- the pages' blocks, run one process per page -------------------------------------------------


def run_page(folder: Path, script: str) -> subprocess.CompletedProcess:
    """`script` as page.py in `folder`, run as a user runs an app (through the launcher, on the
    fast runtime) with the installed package: nothing of the repository on the import path."""
    (folder / "page.py").write_text(script)
    environment = {
        **empty_provider_mirror(folder),  # Terraform finds no azurerm provider, as offline
        "PATH": f"{NODE_BIN}:{Path(TERRAFORM).parent}:/usr/bin:/bin", "HOME": str(Path.home()),
        "SIGMATIQ_ENGINE": ENGINE.name,
    }
    environment.pop("PYTHONPATH", None)
    ran = subprocess.run(
        [sys.executable, "-m", "sigmatiq_infra.launch", "page.py"], cwd=folder, capture_output=True, text=True,
        timeout=300, env=environment,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return ran


def indented(block: str) -> str:
    return textwrap.indent(block, "    ")


@pytest.mark.slow
def test_the_testing_guides_blocks_run_in_order_on_the_examples_stack(tmp_path):
    """In the example's folder (its main.py and service_bus.py, whose stack the page tests):
    the first block, the plan of the app synthesized into cdktf.out, and the tests the page
    shows as a test file, run by pytest in the same process."""
    from sigmatiq_infra import azurerm

    page = "docs/library/testing.md"
    for name in ("main.py", "service_bus.py"):
        shutil.copy(EXAMPLE / name, tmp_path)
    (tmp_path / "test_orders.py").write_text(block_with(page, "def test_the_database_password_never_reaches_state("))
    script = (
        block_with(page, "template = Template.from_stack(stack)")
        + "print('resources:', len(template.find_resources('azurerm_container_app', {})))\n"
        # "after the app was synthesized into cdktf.out": the example's main.py, as cdktf synth runs it
        + "with App() as app:\n    OrdersStack(app, 'orders')\n"
        # Offline, the plan fails for want of the provider: the block's assert says why.
        + "try:\n" + indented(block_with(page, "[result] = plan_test(")) + "except AssertionError as failed:\n"
        + "    print('plan_test:', failed)\n"
        + "import pytest\n"
        + "print('pytest:', pytest.main(['-q', '-p', 'no:cacheprovider', 'test_orders.py']))\n"
    )
    ran = run_page(tmp_path, script)
    assert ran.stdout.splitlines()[:2] == [
        "resources: 1",
        f"plan_test: Terraform cannot install the azurerm provider (hashicorp/azurerm {azurerm.VERSION}) that the mock "
        "needs: it reaches no registry and finds it in no mirror. Fix: run where Terraform reaches "
        "registry.terraform.io, or point TF_CLI_CONFIG_FILE at a configuration with a provider mirror that holds "
        f"azurerm {azurerm.VERSION}.",
    ]
    assert re.search(r"^2 passed\b", ran.stdout, re.M), ran.stdout
    assert ran.stdout.splitlines()[-1] == "pytest: 0"
    assert (tmp_path / "cdktf.out" / "stacks" / "orders" / "sigmatiq-plan.tftest.hcl").is_file()  # where the page says


def imports(line: str) -> tuple[str, set[str]] | None:
    """`(module, names)` of a `from module import a, b` line."""
    found = re.fullmatch(r"from (\S+) import (.+)", line)
    return (found.group(1), {name.strip() for name in found.group(2).split(",")}) if found else None


def test_the_testing_guides_test_orders_block_is_the_examples_file_line_for_line():
    """The page shows `test_orders.py`: its lines are that file's, in order (parts left out; an
    import names some of the names the file imports)."""
    lines = (EXAMPLE / "tests" / "test_orders.py").read_text().splitlines()

    def same(shown: str, line: str) -> bool:
        if imports(shown) and imports(line):
            return imports(shown)[0] == imports(line)[0] and imports(shown)[1] <= imports(line)[1]
        return shown == line

    position, missing = 0, []
    for shown in block_with("docs/library/testing.md", "def test_the_database_password").splitlines():
        at = next((index for index in range(position, len(lines)) if same(shown, lines[index])), None)
        if at is None:
            missing.append(shown)
        else:
            position = at + 1
    assert missing == []


@pytest.mark.slow
def test_the_validation_guides_suppression_runs_on_an_environment_and_lets_the_policy_pack_pass(tmp_path):
    # The page names no stack: the smallest one holding an environment, with the policy pack
    # whose rule the block suppresses, first without the block (synth stops), then with it.
    script = textwrap.dedent("""\
        from sigmatiq_infra.aspects import check_every_construct, suppressions_of
        from sigmatiq_infra.aspects.rules import PRIVATE_ENVIRONMENT
        from sigmatiq_infra.constructs import (
            ContainerAppEnvironment, ContainerAppEnvironmentProps, LogAnalyticsWorkspace, LogAnalyticsWorkspaceProps,
            ResourceGroup, ResourceGroupProps,
        )
        from sigmatiq_infra.stacks import App, AzureStack
        from sigmatiq_infra.validation import ValidationError


        def orders_app():
            app = App(outdir="cdktf.out")
            stack = AzureStack(app, "orders")
            group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-orders", "westeurope"))
            logs = LogAnalyticsWorkspace(stack, "Logs", LogAnalyticsWorkspaceProps("log-orders", group))
            environment = ContainerAppEnvironment(stack, "Environment", ContainerAppEnvironmentProps(
                "cae-orders", group, log_analytics_workspace=logs,
            ))
            check_every_construct(stack, PRIVATE_ENVIRONMENT)
            return app, environment


        app, environment = orders_app()
        try:
            app.synth()
        except ValidationError as stopped:
            print("without:", *stopped.problems)
        app, environment = orders_app()
        """) + block_with("docs/library/validation.md", "suppress(environment,") + textwrap.dedent("""\
        print("recorded:", suppressions_of(environment))
        app.synth()
        print("written:", sorted(path.name for path in __import__("pathlib").Path("cdktf.out/stacks").iterdir()))
        """)
    ran = run_page(tmp_path, script)
    assert ran.stdout.splitlines() == [
        "without: Policy 'orders/Environment/Resource': rule 'public-network-access': "
        "'azurerm_container_app_environment' leaves public network access at Azure's default (enabled). Allowed: "
        "public network access disabled on every resource of a private environment. Fix: give the environment a "
        "virtual_network and leave public_network_access_enabled unset (or False): without a VNet it runs on an "
        "Azure-managed public network, or suppress it with sigmatiq_infra.aspects.suppress(construct, "
        "'public-network-access', reason).",
        "recorded: {'public-network-access': 'Partners call the APIs from the internet during the pilot.'}",
        "written: ['orders']",
    ]


@pytest.mark.slow
def test_the_constructs_guides_shape_of_a_construct_of_ones_own_defines_and_synthesizes_completed_from_the_example(
    tmp_path,
):
    """The shape's `...` stands for the arguments the complete one (the example's
    service_bus.py, which the page names) passes; its names are that file's, above its class."""
    example = (EXAMPLE / "service_bus.py").read_text()
    shape = block_with("docs/library/constructs.md", "class ServiceBusNamespace(AzureResource):")
    [binding] = [
        node for node in ast.walk(ast.parse(example))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "ServicebusNamespace"
    ]
    [elided] = [line for line in shape.splitlines() if "..." in line]
    shown = set(re.findall(r"(\w+)=", elided))
    left_out = ", ".join(f"{k.arg}={ast.unparse(k.value)}" for k in binding.keywords if k.arg not in shown)
    script = example.split("\nclass ServiceBusNamespace(", 1)[0] + "\n\n" + shape.replace("...", left_out, 1)
    script += textwrap.dedent("""\


        from sigmatiq_infra.constructs import ResourceGroup, ResourceGroupProps
        from sigmatiq_infra.stacks import App, AzureStack

        with App(outdir="cdktf.out") as app:
            stack = AzureStack(app, "orders")
            group = ResourceGroup(stack, "Group", ResourceGroupProps("rg-orders-dev", "westeurope"))
            bus = ServiceBusNamespace(stack, "Bus", ServiceBusNamespaceProps(
                "sb-orders-dev", group, public_network_access_enabled=True,
            ))
            bus.add_diagnostic_settings(__import__("sigmatiq_infra").constructs.LogAnalyticsWorkspace(
                stack, "Logs", __import__("sigmatiq_infra").constructs.LogAnalyticsWorkspaceProps("log-orders", group),
            ))
        """)
    run_page(tmp_path, script)
    document = json.loads((tmp_path / "cdktf.out" / "stacks" / "orders" / "cdk.tf.json").read_text())
    [namespace] = document["resource"]["azurerm_servicebus_namespace"].values()
    assert {key: namespace[key] for key in ("name", "sku", "local_auth_enabled", "public_network_access_enabled")} == {
        "name": "sb-orders-dev", "sku": "Standard", "local_auth_enabled": False, "public_network_access_enabled": True,
    }
    assert len(document["resource"]["azurerm_monitor_diagnostic_setting"]) == 1


# --- command lines, modules and names the guides mention ------------------------------------------

PLACEHOLDERS = {"STACK...": ["orders"], "STACK": ["orders"], "FILE": ["file.toml"], "NAME=VALUE": ["name=value"],
                "NAME": ["alice"]}
"""What a user puts for each placeholder of a command's synopsis."""
POSITIONALS = {"diagram": ["orders"], "cost": ["orders"], "plan-gate": ["orders"], "plan-test": ["orders"],
               "record-deployed": ["orders", "--state", "state.json"], "vpn-cert": ["root"]}


def library_command_lines() -> list[tuple[str, str]]:
    """`(page, command)` for every `sigmatiq-infra ...` the guides show, in prose or in a shell block."""
    from sigmatiq_infra.cli import parser

    commands = {action.dest: action for action in parser()._subparsers._group_actions}["command"].choices
    found = []
    for page in PAGES:
        for text in [*inline_code(page), *shell_lines(page)]:
            found += [(page, match) for match in re.findall(r"(?:^|(?<=\s))sigmatiq-infra [a-z][^#|;&>]*", text)]
        # a command named without the program (`vpn-cert client NAME` beside `sigmatiq-infra vpn-cert root`)
        found += [(page, f"sigmatiq-infra {span}") for span in inline_code(page) if span.split()[0] in commands]
    return found


def parsed(argv: list[str]) -> str:
    """'' when the real parser takes `argv`, else what it says."""
    from sigmatiq_infra.cli import parser

    try:
        parser().parse_args(argv)
    except SystemExit:
        return "refused"
    return ""


def test_every_library_command_line_in_the_guides_parses_with_the_real_parser(capsys):
    from sigmatiq_infra.cli import parser

    commands = {action.dest: action for action in parser()._subparsers._group_actions}["command"].choices
    refused, seen = [], set()
    for page, line in library_command_lines():
        words = []
        for word in shlex.split(line.replace("[", " ").replace("]", " "))[1:]:
            words += PLACEHOLDERS.get(word, [word])
        seen.add(words[0])
        if words[0] not in commands:
            refused.append((page, line, "no such command"))
        elif len(words) > 1 and parsed(words):
            refused.append((page, line, capsys.readouterr().err.splitlines()[-1]))
    assert refused == []
    assert seen == set(commands)  # every command is shown somewhere


def option_strings(command: argparse.ArgumentParser) -> set[str]:
    """The options of a command and of its own subcommands (`vpn-cert root`)."""
    found = set(command._option_string_actions)
    for action in command._subparsers._group_actions if command._subparsers else ():
        for subcommand in action.choices.values():
            found |= option_strings(subcommand)
    return found


def test_every_command_option_the_guides_name_alone_is_one_the_commands_take(capsys):
    from sigmatiq_infra.cli import parser

    commands = {action.dest: action for action in parser()._subparsers._group_actions}["command"].choices
    options = [(page, span) for page in PAGES for span in inline_code(page) if span.startswith("--")]
    refused = []
    for page, span in options:
        [option, *value] = shlex.split(span)
        takers = [name for name, command in commands.items() if option in option_strings(command)]
        if not takers or (value and all(parsed([name, *POSITIONALS[name], option, *value]) for name in takers)):
            refused.append((page, span))
    assert refused == []
    assert {span.split()[0] for _, span in options} >= {"--record", "--drift", "--var", "--common-name", "--cert-out"}


def test_every_module_the_guides_run_with_python_m_exists_and_runs_as_a_program():
    mentioned = {
        match for page in PAGES for text in [*inline_code(page), *shell_lines(page), *(b for _, b in fenced(page))]
        for match in re.findall(r"python -m (sigmatiq_infra[\w.]*)", text)
    }
    assert mentioned == {"sigmatiq_infra.prepare", "sigmatiq_infra.launch"}
    for name in sorted(mentioned):
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None, name
        assert '__name__ == "__main__"' in Path(spec.origin).read_text(), name


def resolved(dotted: str) -> object:
    """The object `sigmatiq_infra.a.b.c` names: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return found
    raise ModuleNotFoundError(dotted)


def test_every_sigmatiq_infra_name_the_guides_mention_exists_and_takes_the_arguments_shown():
    mentions = [
        (page, span) for page in PAGES for span in inline_code(page)
        if re.match(r"sigmatiq_infra[./]", span)
    ]
    wrong = []
    for page, span in mentions:
        if span.startswith("sigmatiq_infra/"):  # a file of the package
            if not (Path(resolved("sigmatiq_infra").__file__).parent.parent / span).exists():
                wrong.append((page, span, "no such file"))
            continue
        dotted, _, arguments = span.partition("(")
        try:
            found = resolved(dotted)
        except (ImportError, AttributeError) as missing:
            wrong.append((page, span, str(missing)))
            continue
        if arguments:  # `f(a, b, key=...)`: the positions and keywords shown are ones it takes
            given = [part.strip() for part in arguments.rstrip(")").split(",") if part.strip()]
            keywords = {part.split("=")[0]: None for part in given if "=" in part}
            try:
                inspect.signature(found).bind(*[None] * (len(given) - len(keywords)), **keywords)
            except TypeError as refused:
                wrong.append((page, span, str(refused)))
    assert wrong == []
    assert len(mentions) >= 15
