"""Maintenance tools for the project's developers (not shipped in the package)."""
