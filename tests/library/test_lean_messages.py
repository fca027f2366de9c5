"""The direct kernel's Python side: jsii's requests built with less work, saying the same
thing to the kernel (the synthesized JSON is compared byte for byte in test_fast_runtime)."""

from __future__ import annotations

import datetime
import json

import pytest
from jsii import _kernel as jsii_kernel
from jsii._kernel import types
from jsii._kernel.providers import process
from jsii._runtime import kernel

from sigmatiq_infra import azurerm
from sigmatiq_infra._cdktf import App, TerraformStack, TerraformVariable

Config = azurerm.resource_group.ResourceGroupConfig
LEAN = jsii_kernel._make_reference_for_native
OWN = LEAN.__wrapped__


def without_nulls(value):
    """A wire value as the kernel reads it: a struct's null fields are absent."""
    if isinstance(value, dict):
        if "$jsii.struct" in value:
            struct = value["$jsii.struct"]
            data = {key: without_nulls(item) for key, item in struct["data"].items() if item is not None}
            return {"$jsii.struct": {"fqn": struct["fqn"], "data": data}}
        return {key: without_nulls(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


@pytest.fixture(scope="module")
def jsii_converter():
    """A converter set up exactly as jsii's process provider sets up its own."""
    own = process._NodeProcess.__new__(process._NodeProcess)
    process._NodeProcess.__init__(own)
    own.stop = lambda: None  # it never started a process
    return own._serializer


def test_the_tests_build_requests_the_lean_way():
    assert LEAN is not OWN
    assert OWN.__module__ == "jsii._kernel"
    assert jsii_kernel._get_overides.__wrapped__.__module__ == "jsii._kernel"


def test_a_struct_is_sent_with_the_fields_it_holds_in_its_classs_order():
    config = Config(tags={"env": "beta"}, name="rg-orders", location="centralus")
    assert LEAN(kernel, config) == {"$jsii.struct": {"fqn": Config.__jsii_type__, "data": {
        "location": "centralus", "name": "rg-orders", "tags": {"$jsii.map": {"env": "beta"}},
    }}}
    own = OWN(kernel, config)
    assert own["$jsii.struct"]["data"]["count"] is None  # jsii's own sends every field
    assert without_nulls(own) == LEAN(kernel, config)


def test_structs_inside_lists_and_maps_are_sent_lean_and_everything_else_as_jsii_sends_it():
    stack = TerraformStack(App(), "messages")
    variable = TerraformVariable(stack, "v", type="string")
    when = datetime.datetime(2026, 12, 3, tzinfo=datetime.UTC)
    value = [
        {"group": Config(name="a", location="b")}, [Config(name="c", location="d", id="e")],
        "text", 1, 2.5, True, None, variable, when,
    ]
    assert LEAN(kernel, value) == without_nulls(OWN(kernel, value))
    assert LEAN(kernel, value)[7] is variable and LEAN(kernel, value)[8] is when


def test_a_subclass_of_a_struct_takes_jsiis_own_path():
    class Renamed(Config):
        @property
        def name(self):
            return "rg-renamed"

    sent = LEAN(kernel, Renamed(name="rg-orders", location="centralus"))
    assert sent == OWN(kernel, Renamed(name="rg-orders", location="centralus"))
    assert sent["$jsii.struct"]["data"]["name"] == "rg-renamed"
    assert sent["$jsii.struct"]["data"]["count"] is None


def requests():
    stack = TerraformStack(App(), "requests")
    variable = TerraformVariable(stack, "v", type="string")
    reference = types.ObjRef(ref="cdktf.TerraformVariable@10001", interfaces=["cdktf.ITerraformAddressable"])
    when = datetime.datetime(2026, 12, 3, tzinfo=datetime.UTC)
    return [
        types.CreateRequest(
            fqn="cdktf.TerraformVariable", args=[stack, "v", {"$jsii.map": {"a": [1, 2.5, True, None, ("x", 2)]}}],
            overrides=[types.Override(method="toString", cookie="to_string")],
            interfaces=["cdktf.ITerraformAddressable"],
        ),
        types.GetRequest(objref=reference, property="fqn"),
        types.SetRequest(objref=reference, property="description", value=variable),
        types.InvokeRequest(objref=reference, method="addValidation", args=[{"$jsii.map": {"k": [stack, when]}}]),
        types.StaticInvokeRequest(fqn="cdktf.Fn", method="join", args=[",", ["a", "b"]]),
        process._CompleteRequest(complete=types.CompleteRequest(cbid="1", result={"$jsii.map": {"a": 1}})),
        types.LoadRequest(name="x", version="1.0.0", tarball="/tmp/x.tgz"),
    ]


@pytest.mark.parametrize("index", range(7))
def test_each_request_is_the_same_plain_data_in_the_same_order_as_jsii_builds_it(jsii_converter, index):
    converter = kernel.provider._process._serializer
    request = requests()[index]
    ours, theirs = converter.unstructure(request), jsii_converter.unstructure(request)
    assert json.dumps(ours, default=process.jdefault) == json.dumps(theirs, default=process.jdefault)
    assert ours == theirs


def test_the_overrides_of_a_class_are_worked_out_once_and_handed_out_as_a_new_list():
    app = App()
    first = jsii_kernel._get_overides(App, app)
    assert first == jsii_kernel._get_overides.__wrapped__(App, app)
    first.append("changed")
    assert jsii_kernel._get_overides(App, App()) == jsii_kernel._get_overides.__wrapped__(App, app)
