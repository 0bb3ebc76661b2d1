"""Runnable demos of the course material; `python -m demos` lists and runs them."""
