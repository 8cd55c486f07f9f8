"""Benchmarks: each sub-package runs alone as ``python -m bench.<name>``; ``python -m bench`` runs them all.

A benchmark prints figures and a ratio against a reference measured in the same run; it never
asserts on time. It exits non-zero only when its results are wrong (e.g. the engine and the
hand-written reference disagree), never because the machine was slow.
"""
