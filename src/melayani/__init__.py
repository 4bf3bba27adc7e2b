"""Melayani: a clean and serving bureaucracy for Indonesian regional governments."""

__version__ = "0.1.0"
