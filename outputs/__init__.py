"""Outputs: good-practice guides, benchmarks and their results, the glossary.

Registered with the site now so that its place in the layout and in the import order is fixed;
its models arrive with the outputs issue.
"""
