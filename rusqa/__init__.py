"""rusqa — exact, cited answers from Oslo's drug-policy action plans (rusplaner)."""

__version__ = "0.1.0"
