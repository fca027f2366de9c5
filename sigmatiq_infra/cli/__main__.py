import sys

from sigmatiq_infra.cli import main

sys.exit(main())
