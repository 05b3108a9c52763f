"""Importers: each reads one source into validated model objects; the caller writes."""
