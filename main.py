"""cdktf app entry point (`cdktf synth|diff|deploy` run this through cdktf.json)."""

import sys

from sigmatiq_infra.app import main

sys.exit(main())
