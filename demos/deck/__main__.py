"""`python -m demos.deck DIR [--lang de|en] [--quick]`: the course's slide deck (see demos.deck)."""

import sys

from demos.deck import main

if __name__ == "__main__":
    sys.exit(main())
