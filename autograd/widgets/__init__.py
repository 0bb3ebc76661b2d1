"""Live widgets for Jupyter (anywidget) and standalone pages (Voilà); the `live` extra."""
