"""The compiler: trace one sample's graph, group its nodes into NumPy vector instructions, run whole batches."""

from autograd.compiler.trace import Program, TraceError, is_tracing, trace

__all__ = ["trace", "Program", "TraceError", "is_tracing"]
