"""Dock panels, one module each."""
