"""Pictures of the graph (Graphviz, imported only when drawing), networks, step frames and their player,
and the chain rule in words."""

from autograd.pictures.explain import consumers, count_paths, edge_count, explain_chain_rule, path_products
from autograd.pictures.graphs import DPI_RANGE as DPI_RANGE  # the dpi save_graph accepts (not in __all__)
from autograd.pictures.graphs import GraphvizNotInstalled, PictureTooLarge, draw_graph, save_graph
from autograd.pictures.network import draw_network
from autograd.pictures.steps import (
    backward_steps,
    forward_steps,
    lecture_steps,
    save_backward_steps,
    save_player,
    save_steps,
)

__all__ = [
    "draw_graph",
    "draw_network",
    "save_graph",
    "GraphvizNotInstalled",
    "PictureTooLarge",
    "backward_steps",
    "lecture_steps",
    "save_backward_steps",
    "forward_steps",
    "save_steps",
    "save_player",
    "explain_chain_rule",
    "count_paths",
    "path_products",
    "edge_count",
    "consumers",
]
