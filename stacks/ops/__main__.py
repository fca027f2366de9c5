import sys

from stacks.ops import main

sys.exit(main())
