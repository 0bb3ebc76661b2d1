"""The gettext catalogs of `autograd` (here, `de/LC_MESSAGES/autograd.po` and `.mo`) and the tool that makes them.

`python -m autograd.locale update` extracts the messages of every package
with a catalog (`autograd.language.DOMAINS`) with Babel, merges them into
each `.po` and compiles the `.mo`; `python -m autograd.locale check` says
which messages have no German translation and whether a `.mo` is stale.
The lookups are `autograd.language`'s.
"""
