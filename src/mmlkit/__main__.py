import sys

from mmlkit.cli import main

sys.exit(main())
