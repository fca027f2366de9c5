"""cdktf app entry point (`cdktf synth|diff|deploy` run this through cdktf.json)."""

from sigmatiq_infra.app import build_app

build_app().synth()
