"""Answering: question analysis, answer shapes, the conversation, the ask path."""
