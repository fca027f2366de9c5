"""A user extending the library with constructs of their own (docs/library/constructs.md, "Writing
your own construct"), as a hurried engineer writes one: each mistake is the numbered list (or, for
a bug in their own code, a traceback that says what to do), each valid use synthesizes what the
docs say. Found by trying the library from outside the repository (round 14).

Each test's classes state facts about Terraform types no other test of the session states facts
about, and are not read once it ends: the facts of every class defined in the process are read
together."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pytest
from helpers import error_of, recorded, stacks_with_groups, synthesized_documents

from sigmatiq_infra import azurerm
from sigmatiq_infra import constructs as c
from sigmatiq_infra.adoption import Adoption
from sigmatiq_infra.azurerm import signalr_service, web_pubsub
from sigmatiq_infra.cdk import TerraformResource
from sigmatiq_infra.constructs._context import construct_classes
from sigmatiq_infra.constructs._facts import REFUSED, class_problems
from sigmatiq_infra.deployed import AdoptionSettings, DeployedRecord, DeployedResource
from sigmatiq_infra.validation import ValidationError, Validator

HERE = __name__
SKUS = ("Free_F1", "Standard_S1", "Premium_P1")
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True)
class HubProps:
    name: str
    resource_group: c.IResourceGroup
    sku: str = "Standard_S1"
    public_network_access_enabled: bool = True
    tags: Mapping[str, str] = field(default_factory=dict)


def make_hub(construct: c.AzureResource, props: HubProps) -> None:
    construct.resource = web_pubsub.WebPubsub(
        construct, "Resource", name=props.name, resource_group_name=props.resource_group.name,
        location=props.resource_group.location, sku=props.sku, local_auth_enabled=False,
        public_network_access_enabled=props.public_network_access_enabled,
        tags=construct.resource_tags(props.tags),
    )


class Hub(c.AzureResource):
    """A complete construct of one's own, as docs/library/constructs.md shows one."""

    facts = (c.ResourceFacts(
        "azurerm_web_pubsub", ("name", "location", "resource_group_name"), holds="connected clients",
        kind="Web PubSub service", name_scope=c.GLOBAL, public_by_default=True,
    ),)
    arm_type = "Microsoft.SignalRService/webPubSub"
    kind_text = "Web PubSub service"
    diagnostics = (c.DiagnosticTarget(),)

    def __init__(self, scope, id: str, props: HubProps) -> None:
        super().__init__(scope, id)
        check = Validator("Hub", self)
        props = check.props(props)
        check.one_of("sku", props.sku, SKUS)
        check.done()
        make_hub(self, props)
        self.keep_props(props)


@pytest.fixture(autouse=True)
def forget_the_classes_a_test_defines():
    """The construct classes a test defines inside it are not read once it ends, as a refused
    class is not: every class defined in the process states its facts for all (another module's
    tests read the facts of every class), and jsii keeps their constructs, so they are never
    collected."""
    before = set(construct_classes())
    yield
    for cls in set(construct_classes()) - before:
        setattr(cls, REFUSED, True)


def refusal(define) -> str:
    """The problems a class statement raised, one per line."""
    with pytest.raises(ValidationError) as raised:
        define()
    return str(raised.value)


# --- the facts a class states are checked when it is defined ----------------------------------------


def test_one_resource_facts_where_a_tuple_of_them_goes_is_one_problem_saying_the_trailing_comma():
    def define():
        class Hub(c.AzureResource):
            facts = c.ResourceFacts("azurerm_relay_hybrid_connection", kind="hybrid connection")

    assert refusal(define) == (
        f"Hub '{HERE}.Hub': facts ResourceFacts(terraform_type='azurerm_relay_hybrid_connection', "
        "replaced_when... is one ResourceFacts, not a tuple of them. Allowed: a tuple of ResourceFacts. Fix: "
        "write facts = (ResourceFacts(...),): the trailing comma makes the tuple."
    )


def test_diagnostics_of_one_target_without_the_tuple_is_one_problem_not_a_traceback_at_the_call():
    def define():
        class Hub(c.AzureResource):
            diagnostics = c.DiagnosticTarget()

    assert refusal(define) == (
        f"Hub '{HERE}.Hub': diagnostics DiagnosticTarget(log_groups=('allLogs',), log_categories=(), metrics=("
        "'AllMet... is one DiagnosticTarget, not a tuple of them. Allowed: a tuple of DiagnosticTarget. "
        "Fix: write diagnostics = (DiagnosticTarget(),): the trailing comma makes the tuple."
    )


def test_a_name_scope_naming_an_argument_the_resource_does_not_have_is_refused_with_the_likely_one():
    def define():
        class Hub(c.AzureResource):
            facts = (c.ResourceFacts(
                "azurerm_eventgrid_topic", kind="Event Grid topic",
                name_scope=c.within("its resource group", "resource_group"),
            ),)

    assert refusal(define) == (
        f"Hub '{HERE}.Hub': facts[0].name_scope argument 'resource_group' is not an argument of "
        "azurerm_eventgrid_topic (did you mean 'resource_group_name'?). Allowed: the arguments the azurerm "
        f"{azurerm.VERSION} bindings take for "
        "azurerm_eventgrid_topic (a name scope names the ones that hold its parent's name or id). Fix: write "
        "'resource_group_name'."
    )


def test_wrong_values_in_the_facts_are_every_one_a_problem_of_the_class():
    def define():
        class Hub(c.AzureResource):
            facts = (
                c.ResourceFacts("azurerm_eventgrid_domain", kind="Event Grid domain", max_tags=0, holds=" "),
                c.ResourceFacts(
                    "azurerm_eventgrid_domain_topic", holds=True,
                    name_scope=c.NameScope("its namespace", "namespace_id"),
                ),
                c.ResourceFacts("eventhub consumer group"),
            )
            arm_type = "namespaces"

    assert refusal(define).splitlines() == [
        f"Hub '{HERE}.Hub': facts[0].holds ' ' is empty. Allowed: what a deletion would lose, as text (e.g. 'queued "
        "messages'), or None for nothing. Fix: say what the resource holds, or leave holds out.",
        f"Hub '{HERE}.Hub': facts[0].max_tags 0 is out of range. Allowed: 1 to 50. Fix: give max_tags the number of "
        "tags Azure takes on the type (1 to 50), or leave it out for 50.",
        f"Hub '{HERE}.Hub': facts[1].holds True has the type bool. Allowed: str or None. Fix: give facts[1].holds a "
        "value of type str or None.",
        f"Hub '{HERE}.Hub': facts[1].name_scope.by 'namespace_id' has the type str. Allowed: a tuple of str. Fix: "
        "give facts[1].name_scope.by a tuple, even of one: ('namespace_id',).",
        f"Hub '{HERE}.Hub': facts[2].terraform_type 'eventhub consumer group' is not a Terraform resource type. "
        "Allowed: the provider's name, an underscore and the type, e.g. 'azurerm_servicebus_namespace'. Fix: write "
        "the type as the binding's TF_RESOURCE_TYPE has it.",
        f"Hub '{HERE}.Hub': arm_type 'namespaces' is not an ARM resource type (its resource provider namespace, a "
        "slash, its type). Allowed: '<namespace>/<type>', e.g. 'Microsoft.ServiceBus/namespaces' (Microsoft Learn, "
        "\"Resolve errors for resource name and type mismatch\"); adoption builds import ids from it. Fix: write the "
        "type as Azure's resource ids have it after /providers/, e.g. arm_type = 'Microsoft.ServiceBus/namespaces'.",
    ]


def test_a_terraform_type_the_bindings_do_not_have_is_refused_with_the_likely_one():
    def define():
        class Hub(c.AzureResource):
            facts = (c.ResourceFacts("azurerm_event_hub_namespace"),)

    assert "facts[0].terraform_type 'azurerm_event_hub_namespace' is no resource of the azurerm" in refusal(define)
    assert "(did you mean 'azurerm_eventhub_namespace'?)" in refusal(define)


def test_two_classes_stating_other_facts_about_one_terraform_type_are_refused_naming_the_first():
    class Relay(c.AzureResource):
        facts = (c.ResourceFacts("azurerm_relay_namespace", kind="Relay namespace", holds="connections"),)

    def define():
        class OtherRelay(c.AzureResource):
            facts = (c.ResourceFacts("azurerm_relay_namespace", kind="Relay namespace"),)

    assert refusal(define) == (
        f"OtherRelay '{HERE}.OtherRelay': facts[0].terraform_type 'azurerm_relay_namespace' has other facts than "
        f"class {HERE}.Relay states about it. Allowed: one statement of facts per Terraform type (synth, the plan "
        "gate, cost and diagram read one). Fix: reuse that statement: ResourceFacts.of(Relay, "
        "'azurerm_relay_namespace') in facts (or make OtherRelay a subclass of Relay, which inherits its facts)."
    )

    class SameRelay(c.AzureResource):  # the one statement, reused: accepted
        facts = (c.ResourceFacts.of(Relay, "azurerm_relay_namespace"),)

    assert c.resource_facts()["azurerm_relay_namespace"].holds == "connections"


def test_a_class_stating_other_facts_about_a_type_the_library_states_is_refused():
    def define():
        class MyVault(c.AzureResource):
            facts = (c.ResourceFacts("azurerm_key_vault", kind="vault"),)  # no `holds`: the gate would stop guarding

    assert "has other facts than class sigmatiq_infra.constructs.key_vault.KeyVault states about it" in refusal(define)
    assert c.resource_facts()["azurerm_key_vault"].holds == "secrets"


def test_a_refused_class_is_not_read_for_facts():
    def define():
        class Refused(c.AzureResource):
            facts = (c.ResourceFacts("azurerm_relay_hybrid_connection_authorization_rule", max_tags=0),)

    refusal(define)
    assert "azurerm_relay_hybrid_connection_authorization_rule" not in c.resource_facts()
    assert "Refused" not in {cls.__name__ for cls in construct_classes()}


def test_the_librarys_own_classes_pass_the_checks_an_apps_classes_get():
    assert {cls.__name__: class_problems(cls, construct_classes()) for cls in construct_classes()
            if cls.__module__.startswith("sigmatiq_infra.")} == {
        cls.__name__: [] for cls in construct_classes() if cls.__module__.startswith("sigmatiq_infra.")
    }


# --- a constructor that forgets super().__init__(scope, id) --------------------------------------------


class Forgetful(c.AzureResource):
    """Checks its props and makes its resource, but never calls super().__init__(scope, id)."""

    facts = Hub.facts

    def __init__(self, scope, id: str, props: HubProps) -> None:
        check = Validator("Forgetful", self)
        props = check.props(props)
        check.done()
        make_hub(self, props)


def test_a_constructor_that_forgot_super_init_keeps_its_traceback_with_a_note_saying_what_to_do(stack, group):
    with pytest.raises(KeyError) as raised:
        Forgetful(stack, "Hub", HubProps("wps-test", group))
    assert raised.value.__notes__ == [
        "Forgetful.__init__ had not called super().__init__(scope, id) when this was raised: call it first, before "
        "anything uses the construct (docs/library/constructs.md, \"Writing your own construct\")",
    ]


def test_a_constructor_that_returns_without_super_init_is_one_problem_not_a_construct_in_no_stack(stack, group):
    class Idle(c.AzureResource):
        def __init__(self, scope, id: str, props: HubProps) -> None:
            self.props = props

    assert error_of(lambda: Idle(stack, "Hub", HubProps("wps-test", group))) == (
        "Idle 'test/Hub': __init__ 'Idle' returned and had not called super().__init__(scope, id), so the construct "
        "is in no stack and nothing it made is synthesized. Allowed: a constructor that calls "
        "super().__init__(scope, id) before anything uses the construct. Fix: call super().__init__(scope, id) first "
        "in Idle.__init__."
    )


def test_an_own_constructor_called_with_the_props_fields_is_still_one_problem_saying_how(stack, group):
    assert error_of(lambda: Forgetful(stack, "Hub", "wps-test", group)).endswith(
        "Fix: pass them in HubProps: Forgetful(scope, 'Hub', HubProps('wps-test', <ResourceGroup 'test/Group'>))."
    )


# --- the library's checks, used in an own class ------------------------------------------------------


class Hasty(Hub):
    """Checks its sku and never calls check.done()."""

    def __init__(self, scope, id: str, props: HubProps) -> None:
        c.AzureResource.__init__(self, scope, id)
        check = Validator("Hasty", self)
        check.one_of("sku", props.sku, SKUS)
        make_hub(self, props)
        self.keep_props(props)


def test_what_an_own_validator_found_is_reported_even_when_it_forgot_done(tmp_path):
    app, [stack], [group] = stacks_with_groups(tmp_path, "svc")
    Hasty(stack, "Hub", HubProps("wps-svc-1", group, sku="Gold"))
    Hub(stack, "Other", HubProps("wps-svc-2", group, sku="Gold"))
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert raised.value.problems == (
        "Hub 'svc/Other': sku 'Gold' is not supported. Allowed: 'Free_F1', 'Standard_S1', 'Premium_P1'. Fix: use "
        "one of 'Free_F1', 'Standard_S1', 'Premium_P1'.",
        "Hasty 'svc/Hub': sku 'Gold' is not supported. Allowed: 'Free_F1', 'Standard_S1', 'Premium_P1'. Fix: use "
        "one of 'Free_F1', 'Standard_S1', 'Premium_P1'.",
    )
    assert not (tmp_path / "out").exists()


class PlainProps:
    """Props written as a plain class, not a dataclass."""

    def __init__(self, name: str, resource_group: c.IResourceGroup) -> None:
        self.name, self.resource_group = name, resource_group


class Plain(c.AzureResource):
    facts = Hub.facts

    def __init__(self, scope, id: str, props: PlainProps) -> None:
        super().__init__(scope, id)
        check = Validator("Plain", self)
        props = check.props(props)
        check.done()


def test_own_props_that_are_no_dataclass_say_to_make_them_one_not_to_pass_props_of_another_name(stack, group):
    assert error_of(lambda: Plain(stack, "Hub", PlainProps("wps-test", group))) == (
        "Plain 'test/Hub': props class 'PlainProps' is no dataclass, so its fields cannot be checked against their "
        "types. Allowed: props as a dataclass, as the library's. Fix: put @dataclass(frozen=True) above class "
        "PlainProps (from dataclasses import dataclass), its fields annotated."
    )


def test_props_of_the_wrong_kind_still_name_the_props_the_construct_takes(stack, group):
    assert error_of(lambda: Plain(stack, "Hub", {"name": "wps-test"})) == (
        "Plain 'test/Hub': props {'name': 'wps-test'} has the type dict. Allowed: PlainProps. Fix: pass "
        "PlainProps(...) as the props."
    )


# --- what reads a class's arm_type ----------------------------------------------------------------------


class Typeless(Hub):
    """A construct whose class states no arm_type."""

    arm_type = ""
    alert_metrics = {"ConnectionCount": "Maximum"}  # noqa: RUF012


def test_adopting_or_watching_a_construct_whose_class_states_no_arm_type_is_a_problem_not_a_broken_id(tmp_path):
    app, [stack], [group] = stacks_with_groups(tmp_path, "svc")
    hub = Typeless(stack, "Hub", HubProps("wps-svc-1", group))
    actions = c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-svc", group, "svc"))
    c.DeleteAlert(stack, "Deleted", c.DeleteAlertProps("alert-wps-deleted", group, hub, actions))
    c.MetricAlert(stack, "Busy", c.MetricAlertProps("alert-wps-busy", group, hub, "ConnectionCount", 100, actions))
    record = DeployedRecord((DeployedResource("svc", "azurerm_web_pubsub", "wps-svc-1"),))
    Adoption(stack, AdoptionSettings(enabled=True, subscription_id=SUBSCRIPTION), record).resource(hub)
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert raised.value.problems == (
        "DeleteAlert 'svc/Deleted': target Typeless 'svc/Hub' is of class Typeless, which states neither arm_type nor "
        "delete_operation, so the activity log operation of its deletion is unknown. Allowed: a target whose class "
        "states its ARM type (the operation is '<arm_type>/delete'). Fix: add arm_type = '<namespace>/<type>' to "
        "class Typeless, e.g. 'Microsoft.ServiceBus/namespaces'.",
        "MetricAlert 'svc/Busy': target Typeless 'svc/Hub' is of class Typeless, which states no arm_type, the "
        "namespace of its metrics. Allowed: a target whose class states its ARM type (Azure Monitor's metric "
        "namespace). Fix: add arm_type = '<namespace>/<type>' to class Typeless.",
        "Adoption 'svc': resource() Typeless 'svc/Hub' is of class Typeless, which states no arm_type, so its import "
        "id cannot be built. Allowed: a construct whose class states its ARM resource type (the import id is "
        "/subscriptions/<id>/resourceGroups/<group>/providers/<arm_type>/<name>). Fix: add arm_type = "
        "'<namespace>/<type>' to class Typeless, e.g. 'Microsoft.ServiceBus/namespaces'.",
    )


def test_an_own_construct_is_adopted_and_watched_by_its_class_arm_type(tmp_path):
    app, [stack], [group] = stacks_with_groups(tmp_path, "svc")
    hub = Hub(stack, "Hub", HubProps("wps-svc-1", group))
    actions = c.ActionGroup(stack, "Alerts", c.ActionGroupProps("ag-svc", group, "svc"))
    c.DeleteAlert(stack, "Deleted", c.DeleteAlertProps("alert-wps-deleted", group, hub, actions))
    record = DeployedRecord((DeployedResource("svc", "azurerm_web_pubsub", "wps-svc-1"),))
    Adoption(stack, AdoptionSettings(enabled=True, subscription_id=SUBSCRIPTION), record).resource(hub)
    app.synth()
    document = synthesized_documents(tmp_path)["svc"]
    [alert] = document["resource"]["azurerm_monitor_activity_log_alert"].values()
    assert alert["criteria"]["operation_name"] == "Microsoft.SignalRService/webPubSub/delete"
    assert [block["id"] for block in document["import"]] == [
        f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-svc/providers/Microsoft.SignalRService/webPubSub/wps-svc-1",
    ]
    [service] = document["resource"]["azurerm_web_pubsub"].values()
    assert service["lifecycle"] == {"prevent_destroy": True}


# --- a class that states no facts about what it makes -----------------------------------------------


class Factless(c.AzureResource):
    """Makes an azurerm_signalr_service and states nothing about it."""

    def __init__(self, scope, id: str, props: HubProps) -> None:
        super().__init__(scope, id)
        check = Validator("Factless", self)
        props = check.props(props)
        check.done()
        self.resource = signalr_service.SignalrService(
            self, "Resource", name=props.name, resource_group_name=props.resource_group.name,
            location=props.resource_group.location,
            sku=signalr_service.SignalrServiceSku(name="Standard_S1", capacity=1),
            tags=self.resource_tags(props.tags),
        )
        self.keep_props(props)


def test_a_class_stating_no_facts_about_its_resource_is_one_problem_however_many_constructs_it_makes(stack, group):
    Factless(stack, "One", HubProps("sigr-test-1", group))
    Factless(stack, "Two", HubProps("sigr-test-1", group))  # one name twice: nothing could say so
    assert recorded(stack) == [
        f"Factless '{HERE}.Factless': facts 'azurerm_signalr_service' are stated by no construct class, though it is "
        "the type of its resource. Allowed: a class that states the facts of what it creates: where Azure keeps its "
        "names unique (name_scope), what a deletion would lose (holds), whether Azure makes it public "
        "(public_by_default), how it is billed. Fix: add facts = (ResourceFacts('azurerm_signalr_service', kind=..., "
        "name_scope=..., holds=...),) to class Factless (docs/library/constructs.md, \"Writing your own construct\").",
    ]


def test_a_subclass_of_a_class_with_the_facts_needs_none_of_its_own(stack, group):
    class Quiet(Hub):
        def __init__(self, scope, id: str, props: HubProps) -> None:
            super().__init__(scope, id, props)
            self.add_lock("Clients stay connected.")

    Quiet(stack, "Hub", HubProps("wps-test", group))
    assert recorded(stack) == []


# --- a constructor that uses the construct too early ---------------------------------------------------


def test_a_lock_added_before_the_resource_is_made_says_to_make_the_resource_first(stack, group):
    class Eager(Hub):
        def __init__(self, scope, id: str, props: HubProps) -> None:
            c.AzureResource.__init__(self, scope, id)
            self.keep_props(props)
            self.add_lock("Clients stay connected.")
            make_hub(self, props)

    with pytest.raises(AttributeError) as raised:
        Eager(stack, "Hub", HubProps("wps-test", group))
    assert str(raised.value) == (
        "Eager.id is read before Eager made its resource: make self.resource (the binding) in Eager.__init__ before "
        "anything uses the construct (add_lock, grant, add_diagnostic_settings, ...)"
    )


def test_a_construct_that_forgot_keep_props_says_so_when_its_name_is_read(stack, group):
    class Unkept(Hub):
        def __init__(self, scope, id: str, props: HubProps) -> None:
            c.AzureResource.__init__(self, scope, id)
            make_hub(self, props)

    hub = Unkept(stack, "Hub", HubProps("wps-test", group))
    with pytest.raises(AttributeError) as raised:
        hub.add_lock("Clients stay connected.")
    assert str(raised.value) == (
        "Unkept.name is not set: call self.keep_props(props) at the end of Unkept.__init__, after self.resource is "
        "made (it keeps props, name, resource_group, tags)"
    )
    assert not hasattr(hub, "resource_group") and not hasattr(hub, "anything_else")


# --- a valid own construct is checked, tagged, guarded and drawn like the library's ----------------------


def test_an_own_construct_synthesizes_with_the_one_interface_as_the_docs_say(tmp_path):
    app, [svc], [svc_group] = stacks_with_groups(tmp_path, "svc")
    logs = c.LogAnalyticsWorkspace(svc, "Logs", c.LogAnalyticsWorkspaceProps("log-svc", svc_group))
    identity = c.UserAssignedIdentity(svc, "Identity", c.UserAssignedIdentityProps("id-svc", svc_group))
    vault = c.KeyVault(svc, "Vault", c.KeyVaultProps("kv-svc-1", svc_group))
    hub = Hub(vault, "Hub", HubProps("wps-svc-1", svc_group, tags={"Purpose": "push"}))  # inside a library construct
    c.UserAssignedIdentity(hub, "Inner", c.UserAssignedIdentityProps("id-svc-inner", svc_group))  # and the other way
    hub.add_lock("Clients stay connected.")
    hub.grant(c.BuiltInRole.READER, identity)
    hub.add_diagnostic_settings(logs)
    app.synth()
    resources = synthesized_documents(tmp_path)["svc"]["resource"]
    [service] = resources["azurerm_web_pubsub"].values()
    assert (service["//"]["metadata"]["path"], service["name"], service["public_network_access_enabled"]) == (
        "svc/Vault/Hub/Resource", "wps-svc-1", True,
    )
    assert service["tags"] == {"Purpose": "push"}
    [lock] = resources["azurerm_management_lock"].values()
    assert (lock["name"], lock["scope"]) == ("lock-wps-svc-1", "${azurerm_web_pubsub.Vault_Hub_254DBFC2.id}")
    assert {setting["name"] for setting in resources["azurerm_monitor_diagnostic_setting"].values()} == {"diag-log-svc"}
    assert "id-svc-inner" in {identity["name"] for identity in resources["azurerm_user_assigned_identity"].values()}


def test_an_own_types_name_is_unique_across_stacks_and_its_public_default_is_the_policys(tmp_path):
    from sigmatiq_infra.aspects import check_every_construct
    from sigmatiq_infra.aspects.rules import PRIVATE_ENVIRONMENT

    app, [svc, ops], [svc_group, ops_group] = stacks_with_groups(tmp_path, "svc", "ops")
    Hub(svc, "Hub", HubProps("wps-shared", svc_group))
    Hub(ops, "Hub", HubProps("WPS-Shared", ops_group, public_network_access_enabled=False))
    check_every_construct(ops, PRIVATE_ENVIRONMENT)
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert raised.value.problems == (
        "Web PubSub service 'svc/Hub': name 'wps-shared' is already the name of Web PubSub service 'ops/Hub' (Azure "
        "compares names in any case). Allowed: one Web PubSub service per name in all of Azure. Fix: rename one of "
        "the two (a name the library derives follows the name you give its construct).",
    )


def test_the_plan_gate_refuses_to_delete_what_an_own_class_says_it_holds(tmp_path, capsys):
    import json

    from sigmatiq_infra.cli import main

    app, [stack], [group] = stacks_with_groups(tmp_path, "svc")
    Hub(stack, "Hub", HubProps("wps-svc-1", group))
    app.synth()
    [logical_id] = synthesized_documents(tmp_path)["svc"]["resource"]["azurerm_web_pubsub"]
    (tmp_path / "out" / "stacks" / "svc" / "plan.json").write_text(json.dumps({
        "format_version": "1.2", "resource_changes": [{
            "address": f"azurerm_web_pubsub.{logical_id}", "mode": "managed", "type": "azurerm_web_pubsub",
            "name": logical_id, "change": {"actions": ["delete"], "before": {"name": "wps-svc-1"}, "after": None},
        }],
    }))
    assert main(["plan-gate", "svc", "--out", str(tmp_path / "out")]) == 1
    assert (
        f"- svc: the plan would delete azurerm_web_pubsub.{logical_id} (wps-svc-1), which is protected: it holds "
        "connected clients."
    ) in capsys.readouterr().out


# --- a resource type of another provider -------------------------------------------------------------


def another_providers_resource(terraform_type: str, name_scope: c.NameScope):
    class Api(c.AzureResource):
        facts = (c.ResourceFacts(terraform_type, kind="AzAPI resource", name_scope=name_scope),)
        arm_type = "Microsoft.Web/staticSites"

        def __init__(self, scope, id: str, props: HubProps) -> None:
            super().__init__(scope, id)
            check = Validator("Api", self)
            props = check.props(props)
            check.done()
            self.resource = TerraformResource(self, "Resource", terraform_resource_type=terraform_type)
            self.resource.add_override("name", props.name)
            self.resource.add_override("parent_id", props.resource_group.name)
            self.keep_props(props)

    return Api


def test_a_name_scope_naming_an_argument_another_providers_resource_does_not_set_is_one_problem(tmp_path):
    api = another_providers_resource("azapi_resource", c.RESOURCE_GROUP)
    app, [stack], [group] = stacks_with_groups(tmp_path, "svc")
    api(stack, "One", HubProps("site-svc", group))
    api(stack, "Two", HubProps("site-svc", group))
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert raised.value.problems == (
        "AzAPI resource 'svc/One': name_scope argument 'resource_group_name' is not set on this azapi_resource, so its "
        "name is compared in no scope. Allowed: a name_scope naming the arguments of azapi_resource that hold its "
        "parent's name or id (set: name, parent_id). Fix: name those arguments in the facts of its class, e.g. "
        "within('its parent', 'parent_id').",
    )


def test_another_providers_resource_named_in_its_own_scope_is_checked_there(tmp_path):
    api = another_providers_resource("azapi_data_plane_resource", c.within("its parent", "parent_id"))
    app, [stack], [group] = stacks_with_groups(tmp_path, "svc")
    api(stack, "One", HubProps("site-svc", group))
    api(stack, "Two", HubProps("Site-Svc", group))
    with pytest.raises(ValidationError) as raised:
        app.synth()
    assert raised.value.problems == (
        "AzAPI resource 'svc/Two': name 'Site-Svc' is already the name of AzAPI resource 'svc/One' (Azure compares "
        "names in any case). Allowed: one AzAPI resource per name in its parent. Fix: rename one of the two (a name "
        "the library derives follows the name you give its construct).",
    )


# --- an error that follows from a problem already reported ------------------------------------------


class Unchecked(Hub):
    """Checks its props, then builds with the props it was given, not the copy check.props returned."""

    def __init__(self, scope, id: str, props: HubProps) -> None:
        c.AzureResource.__init__(self, scope, id)
        check = Validator("Unchecked", self)
        check.props(props)
        check.done()
        make_hub(self, props)
        self.keep_props(props)


def test_an_error_in_a_with_block_comes_after_the_problems_recorded_before_it(tmp_path, capsys):
    from sigmatiq_infra.stacks import App, AzureStack

    with pytest.raises(TypeError), App(outdir=str(tmp_path / "out")) as app:
        stack = AzureStack(app, "svc")
        group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-svc", "westeurope"))
        Unchecked(stack, "Hub", HubProps("wps-svc-1", group, sku=3))
    assert capsys.readouterr().err.splitlines() == [
        "sigmatiq-infra: synth stopped, nothing was written (1 problem):",
        "  1. Unchecked 'svc/Hub': sku 3 has the type int. Allowed: str. Fix: give sku a value of type str: '3' in "
        "quotes.",
    ]
    assert not (tmp_path / "out").exists()


# --- the stack's tags ------------------------------------------------------------------------------------


class Untagged(Hub):
    """Gives its binding the props' tags, not self.resource_tags(props.tags)."""

    def __init__(self, scope, id: str, props: HubProps) -> None:
        c.AzureResource.__init__(self, scope, id)
        self.resource = web_pubsub.WebPubsub(
            self, "Resource", name=props.name, resource_group_name=props.resource_group.name,
            location=props.resource_group.location, sku=props.sku, tags=dict(props.tags),
        )
        c.KeyVault(self, "Vault", c.KeyVaultProps("kv-svc-inner", props.resource_group))
        self.keep_props(props)


def test_an_own_construct_giving_its_binding_its_own_tags_gets_the_stacks_tags_too(tmp_path):
    from sigmatiq_infra.stacks import App, AzureStack

    app = App(outdir=str(tmp_path / "out"))
    stack = AzureStack(app, "svc", tags={"Owner": "team-push", "Purpose": "stack"})
    group = c.ResourceGroup(stack, "Group", c.ResourceGroupProps("rg-svc", "westeurope"))
    Untagged(stack, "Hub", HubProps("wps-svc-1", group, tags={"purpose": "push"}))
    app.synth()
    resources = synthesized_documents(tmp_path)["svc"]["resource"]
    [service] = resources["azurerm_web_pubsub"].values()
    [vault] = resources["azurerm_key_vault"].values()
    assert (service["tags"], vault["tags"]) == (
        {"Owner": "team-push", "purpose": "push"}, {"Owner": "team-push", "Purpose": "stack"},
    )


def test_one_choice_written_as_text_is_that_choice_not_its_letters(stack):
    check = Validator("Hub", stack)
    check.one_of("sku", "Stand", ("Standard_S1"))  # the comma left out: a str, not a tuple
    check.one_of("sku", "Standard_S1", "Standard_S1")
    assert check.problems == (
        "Hub 'test': sku 'Stand' is not supported. Allowed: 'Standard_S1'. Fix: use one of 'Standard_S1'.",
    )
    check.done()


def test_own_props_annotated_with_a_name_their_module_lacks_say_which_class_and_what_to_import(stack, group):
    @dataclass(frozen=True)
    class LooseProps:
        name: str
        resource_group: NotImported  # noqa: F821

    with pytest.raises(NameError) as raised:
        Validator("Hub", stack).props(LooseProps("wps-test", group))
    assert raised.value.__notes__ == [
        f"in the annotations of {HERE}.test_own_props_annotated_with_a_name_their_module_lacks_say_which_class_and_"
        "what_to_import.<locals>.LooseProps, which the type checks read: import NotImported in its module (the "
        "library's types: from sigmatiq_infra.constructs)",
    ]


def test_the_classes_of_the_tests_before_are_gone():
    assert not {"Api", "Relay", "SameRelay", "Quiet", "Eager", "Unkept", "Idle"} & {
        cls.__name__ for cls in construct_classes()
    }
