"""Container apps as a hurried user writes them in an app of their own (the twenty-fifth outside-in
round): an image pinned by a digest copied from an image reference, and a liveness path copied
from a URL or written without its '/', are told the value that passes (never a value that passes
and means something else), and the edge values Azure takes pass as written."""

from __future__ import annotations

import pytest
from helpers import container_app, error_of, fresh_stack, recorded

DIGEST = "sha256:" + "0123456789abcdef" * 4
DIGEST_ALLOWED = "'sha256:' and 64 lowercase hex digits, or 'sha512:' and 128 (OCI's digest rules)"


def _shown(value: str) -> str:
    """A value as a problem shows it (cut at 80 characters)."""
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _image_of(app) -> str:
    (container,) = app.resource.template_input.container
    return container.image


# --- a digest copied from an image reference: the digest it means, not its hex as a tag ------------------


@pytest.mark.parametrize("tag, before", [
    ("@" + DIGEST, "@"),  # `docker images --digests` and the portal show `<repository>@sha256:...`
    ("1.0@" + DIGEST, "1.0@"),  # `name:tag@digest`: Docker pulls the digest, the tag is ignored
    ("api:1.0@" + DIGEST, "api:1.0@"),
])
def test_a_digest_written_with_its_at_sign_is_told_the_digest_as_image_tag_and_that_pins_the_image(
    stack, group, tag, before,
):
    # Before: "write the tag alone: image_tag='0123...'", the hex without 'sha256:', a tag that passes
    # and pulls an image that does not exist.
    assert error_of(lambda: container_app(stack, group, image_tag=tag)) == (
        f"ContainerApp 'test/Api': image tag {_shown(tag)} has {before!r} before its digest. Allowed: "
        f"{DIGEST_ALLOWED}, nothing before or after (the app writes the '@'). Fix: write image_tag={DIGEST!r}."
    )
    fixed, fixed_group = fresh_stack()
    app = container_app(fixed, fixed_group, image_tag=DIGEST)
    assert (recorded(fixed), _image_of(app)) == ([], f"{app.props.registry.login_server}/team/api@{DIGEST}")


@pytest.mark.parametrize("tag, problem_allowed", [
    (DIGEST.upper(), ""),
    ("SHA256:" + DIGEST.removeprefix("sha256:"), ""),
    (f" {DIGEST}\n", ", nothing before or after"),
])
def test_a_digest_in_capitals_or_with_spaces_around_it_is_told_it_in_lowercase_alone(
    stack, group, tag, problem_allowed,
):
    # Before: "copy the digest as the registry shows it" (capitals), or, with a space before it, "write the
    # tag alone: image_tag='0123...'" (its hex as a tag).
    assert error_of(lambda: container_app(stack, group, image_tag=tag)) == (
        f"ContainerApp 'test/Api': image tag {_shown(tag)} is not a valid digest. Allowed: {DIGEST_ALLOWED}"
        f"{problem_allowed}. Fix: write image_tag={DIGEST!r}."
    )


def test_a_cut_short_digest_after_an_at_sign_is_told_to_copy_the_digest_not_its_hex_as_a_tag(stack, group):
    tag = "@" + DIGEST[:-1]
    assert error_of(lambda: container_app(stack, group, image_tag=tag)) == (
        f"ContainerApp 'test/Api': image tag {_shown(tag)} has '@' before its digest. Allowed: {DIGEST_ALLOWED}, "
        "nothing before or after (the app writes the '@'). Fix: copy the digest as the registry shows it "
        "(lowercase hex, nothing before or after)."
    )


# --- the liveness path: the path that passes, from what was written -----------------------------------


@pytest.mark.parametrize("written, fix, path", [
    ("health/live", "write liveness_path='/health/live'", "/health/live"),
    ("healthz ", "write liveness_path='/healthz'", "/healthz"),
    (" /healthz", "write it without spaces: liveness_path='/healthz'", "/healthz"),
    (
        "https://orders.example.com:8443/health/ready?full=1",
        "write the path alone (the probe calls the container on target_port): liveness_path='/health/ready?full=1'",
        "/health/ready?full=1",
    ),
])
def test_a_liveness_path_without_its_leading_slash_is_told_the_path_to_write_and_that_passes(
    stack, group, written, fix, path,
):
    # Before: "write it as e.g. '/healthz'" whatever the path was (the app's own path lost).
    assert error_of(lambda: container_app(stack, group, liveness_path=written)) == (
        f"ContainerApp 'test/Api': liveness_path {written!r} is not an absolute path. Allowed: a path starting "
        f"with '/'. Fix: {fix}."
    )
    fixed, fixed_group = fresh_stack()
    app = container_app(fixed, fixed_group, liveness_path=path)
    (container,) = app.resource.template_input.container
    (probe,) = container.liveness_probe
    assert (recorded(fixed), probe.path, probe.port, probe.transport) == ([], path, 8080, "HTTP")


def test_an_empty_liveness_path_is_still_told_an_example_path(stack, group):
    assert error_of(lambda: container_app(stack, group, liveness_path="")) == (
        "ContainerApp 'test/Api': liveness_path '' is not an absolute path. Allowed: a path starting with '/'. "
        "Fix: write it as e.g. '/healthz'."
    )


# --- edge values Azure takes pass as written -----------------------------------------------------------


def test_the_edge_values_azure_takes_pass_and_are_written_as_given(stack, group):
    """azurerm 4.x: ContainerAppName `^([a-z])[a-z0-9-]{0,58}[a-z0-9]?$` (at most 32, Microsoft Learn),
    target_port IntBetween(1, 65535), min_replicas 0-300, max_replicas 1-300; Docker's tag: 128
    characters; 'latest' is a tag like any other."""
    name = "a" * 31 + "9"
    app = container_app(
        stack, group, name=name, image_tag="latest", target_port=65535, min_replicas=300, max_replicas=300,
        liveness_path="/",
    )
    template = app.resource.template_input
    (container,) = template.container
    assert (
        recorded(stack), app.resource.name_input, container.name, _image_of(app),
        app.resource.ingress_input.target_port, template.min_replicas, template.max_replicas,
        container.liveness_probe[0].path,
    ) == ([], name, name, f"{app.props.registry.login_server}/team/api:latest", 65535, 300, 300, "/")


def test_a_tag_of_128_characters_and_a_port_of_1_pass(stack, group):
    tag = "v" + "1" * 127
    app = container_app(stack, group, image_tag=tag, target_port=1, name="ab")
    assert (recorded(stack), _image_of(app), app.resource.ingress_input.target_port) == (
        [], f"{app.props.registry.login_server}/team/api:{tag}", 1,
    )


# --- an environment name too long: the name told keeps to azurerm's 60th-character rule ------------------

ENVIRONMENT_ALLOWED = (
    "Container Apps environment names have 2-60 characters; letters, digits and hyphens; starts with a letter; "
    "ends with a letter or digit"
)


def _environment(stack, group, name):
    from sigmatiq_infra import constructs as c

    return c.ContainerAppEnvironment(stack, "Env", c.ContainerAppEnvironmentProps(name, group))


@pytest.mark.parametrize("name, problem, suggested", [
    ("a" * 59 + "12", "has 61 characters", "a" * 57 + "12"),  # its number kept, the name cut before it
    ("a" * 58 + "B12", "has 61 characters", "a" * 57 + "12"),
    ("a" * 59 + "B-", "has 61 characters and ends with '-'", "a" * 59),
    ("a" * 59 + "_1", "has 61 characters and contains '_'", "a" * 57 + "-1"),
    ("a" * 58 + "_1", "contains '_'", "a" * 57 + "-1"),  # 60 characters: one problem, not two
])
def test_an_environment_name_cut_to_60_characters_would_end_with_a_digit_or_capital_is_told_59(
    stack, group, name, problem, suggested,
):
    """azurerm 4.x, containerapps/validate ManagedEnvironmentName: `^([a-zA-Z])[a-zA-Z0-9-]{0,58}[a-z]?$`,
    so a 60th character must be a lowercase letter. Before: the fix named the name cut to 60 characters
    ('a' * 58 + '12'), which the next run refused with "has 60 characters and ends with '2'"."""
    assert error_of(lambda: _environment(stack, group, name)) == (
        f"ContainerAppEnvironment 'test/Env': name {_shown(name)} {problem}. Allowed: {ENVIRONMENT_ALLOWED}. "
        f"Fix: use {suggested!r} or another Container Apps environment name that follows these rules."
    )
    fixed, fixed_group = fresh_stack()
    environment = _environment(fixed, fixed_group, suggested)
    assert (recorded(fixed), environment.resource.name_input) == ([], suggested)


def test_an_environment_name_cut_to_60_characters_ending_with_a_lowercase_letter_is_told_all_60(stack, group):
    name = "Orders-Env-" + "x" * 50
    suggested = name[:60]
    assert error_of(lambda: _environment(stack, group, name)) == (
        f"ContainerAppEnvironment 'test/Env': name {_shown(name)} has 61 characters. Allowed: {ENVIRONMENT_ALLOWED}. "
        f"Fix: use {suggested!r} or another Container Apps environment name that follows these rules."
    )
    fixed, fixed_group = fresh_stack()
    assert (recorded(fixed), _environment(fixed, fixed_group, suggested).resource.name_input) == ([], suggested)


# --- variable names Azure takes pass as written ---------------------------------------------------------


def test_variable_names_azure_takes_pass_with_a_dot_a_hyphen_or_an_underscore_and_keep_their_case(stack, group):
    """The service's rule (its ContainerAppInvalidEnvVarName error, microsoft/aspire#1779):
    `^[-._a-zA-Z][-._a-zA-Z0-9]*$`."""
    env = {"ConnectionStrings__Orders": "on", "my.setting": "1", "-x": "", "_X9": "a", ".hidden": "b"}
    app = container_app(stack, group, env=env)
    (container,) = app.resource.template_input.container
    assert (recorded(stack), [(v.name, v.value) for v in container.env]) == ([], list(env.items()))
