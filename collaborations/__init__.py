"""Collaborations: technical working areas, project proposals and their review, participation.

Registered with the site now so that its place in the layout and in the import order
(outputs → collaborations → capabilities → nmiq_portal) is fixed; its models arrive with the
collaborations issue.
"""
