"""Capabilities: institutes and their members; testbeds, services and contacts come next."""
