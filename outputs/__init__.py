"""Outputs: interlaboratory comparisons, good-practice guides, the glossary (and, to come,
benchmarks and their results). Each kind has a module of its own in every layer package:
``models/<kind>.py``, ``services/<kind>.py``, ``selectors/<kind>.py``, ``views/<kind>.py``,
``api/<kind>.py``; the package's ``__init__`` names what callers import."""
