"""`python -m demos.sheets`: write exercise sheets and their answer keys (see demos/sheets/__init__.py)."""

from demos.sheets import main

main()
