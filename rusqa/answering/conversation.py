"""A chat conversation: each turn is answered in the state the earlier turns left."""

from __future__ import annotations

from rusqa.answering.qa import Assistant
from rusqa.models import Answer


class Conversation:
    """One conversation with the assistant (stateless placeholder until follow-ups land)."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def ask(self, question: str) -> Answer:
        return self.assistant.ask(question)
