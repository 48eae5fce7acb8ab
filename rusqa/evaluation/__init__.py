"""Evaluation: scoring answers against reference answers, per kind, and the gate."""
