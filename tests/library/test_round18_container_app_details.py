"""Container apps as a hurried user writes them in an app of their own (the eighteenth outside-in
round): the details of a container (its variables, probe, size) that Azure takes pass, and those
it refuses are one line each of the numbered list, naming the value, what is allowed and the fix."""

from __future__ import annotations

from helpers import container_app, error_of

# --- environment variable names: Azure bounds their characters, not their length -------------------------


def test_a_variable_name_of_more_than_256_characters_passes_as_azure_bounds_no_length(stack, group):
    """The service's regex has no length (microsoft/aspire#1779), azurerm only asks for a name, and
    a name of more than 1,000 characters deploys (microsoft/vscode-azurecontainerapps#824)."""
    name = "Orders__Section__" + "Setting_" * 40
    app = container_app(stack, group, env={name: "on"})
    assert (len(name), app.problem_log.problems) == (337, [])
    (container,) = app.resource.template_input.container
    assert [(variable.name, variable.value) for variable in container.env] == [(name, "on")]


def test_an_empty_variable_name_is_still_refused_saying_it_needs_a_character(stack, group):
    assert error_of(lambda: container_app(stack, group, env={"": "on"})) == (
        "ContainerApp 'test/Api': environment variable '' has 0 characters. Allowed: environment variable names "
        "have at least 1 character; letters, digits, '_', '.' and '-'; starts with anything but a digit. Fix: "
        "choose an environment variable name that follows these rules."
    )
