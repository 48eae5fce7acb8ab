"""👍 / 👎 on each answer in the chat, with an optional comment: which answer a rating is for, and storing it.

The chat's answers are remembered per conversation (server memory only, bounded) by their place in the chat,
so a thumb on the third answer is stored with the third answer, its cited ids and the build. The comment form
under the chat refines the rating of the answer last rated — or, when none was rated since the last question,
rates the last answer — so one answer gets one row, however often the user changes their mind. The question
is stored only when the user ticks «del spørsmålet med forvalter».
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from rusqa.models import Answer
from rusqa.service.feedback import FeedbackStore
from rusqa.service.logs import log_event

MAX_CONVERSATIONS = 256
MAX_ANSWERS = 100  # per conversation; an older answer can no longer be rated


@dataclass
class Answered:
    """One conversation's answers by their index in the chat, the rows their feedback went to, and the answer
    the comment form is about."""

    answers: dict[int, Answer] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)
    selected: int | None = None

    def add(self, index: int, answer: Answer) -> None:
        self.answers[index] = answer
        self.selected = index
        for old in sorted(self.answers)[:-MAX_ANSWERS]:
            del self.answers[old]


def ordinal(index: int) -> int:
    """The answer's number as the user counts them: each turn is a question and an answer."""
    return index // 2 + 1


class FeedbackDesk:
    """Takes 👍 / 👎 and comments from the chat and stores them in the feedback database."""

    def __init__(self) -> None:
        self._conversations: OrderedDict[str, Answered] = OrderedDict()

    def answered(self, conversation_id: str, index: int, answer: Answer) -> None:
        """The chat showed `answer` at `index` of the conversation's messages."""
        conversation = self._conversations.setdefault(conversation_id, Answered())
        self._conversations.move_to_end(conversation_id)
        conversation.add(index, answer)
        while len(self._conversations) > MAX_CONVERSATIONS:
            self._conversations.popitem(last=False)

    def rate(
        self, data_dir: Path, build_id: str, conversation_id: str | None, index: int, liked: bool | str,
        user: str | None = None,
    ) -> str:  # fmt: skip
        """A thumb on one answer: stored at once (clicking it again takes it back). Returns what to tell the user."""
        conversation = self._conversations.get(conversation_id or "")
        answer = conversation.answers.get(index) if conversation else None
        if conversation is None or answer is None:
            return "Det svaret kan ikke få tilbakemelding: det er en feilmelding, eller samtalen er tømt."
        conversation.selected = index
        store = FeedbackStore.in_dir(data_dir)
        row = conversation.rows.get(index)
        number = ordinal(index)
        if liked not in (True, False):  # the thumb was clicked again: taken back
            if row is not None:
                store.withdraw(row)
                del conversation.rows[index]
            log_event("feedback_withdrawn", build_id=build_id, user=user)
            return f"Tilbakemeldingen på svar {number} er trukket tilbake."
        rating = 1 if liked else -1
        if row is None:
            cited = [c.record_id for c in answer.citations]
            conversation.rows[index] = store.add(rating, answer.answer, cited, build_id, user=user)
        else:
            store.revise(row, rating)
        log_event("feedback", rating=rating, shared=False, build_id=build_id, user=user)
        said = "riktig" if rating == 1 else "feil"
        return (
            f"Takk! Svar {number} er merket som {said}. Vil du si mer, skriv en kommentar her og trykk "
            "«👍 Riktig» eller «👎 Feil»."
        )

    def comment(
        self, data_dir: Path, build_id: str, conversation_id: str | None, rating: int, comment: str, share: bool,
        user: str | None = None,
    ) -> str:  # fmt: skip
        """The form under the chat: rate the answer last rated (or the last answer), with a comment, and the
        question if the user shares it. Returns what to tell the user."""
        conversation = self._conversations.get(conversation_id or "")
        index = conversation.selected if conversation else None
        if conversation is None or index is None or index not in conversation.answers:
            return "Still et spørsmål først; tilbakemeldingen gjelder et svar i samtalen."
        answer = conversation.answers[index]
        store = FeedbackStore.in_dir(data_dir)
        row = conversation.rows.get(index)
        if row is None:
            cited = [c.record_id for c in answer.citations]
            conversation.rows[index] = store.add(
                rating, answer.answer, cited, build_id,
                comment=comment or "", question=answer.question, share_question=bool(share), user=user,
            )  # fmt: skip
        else:
            store.revise(row, rating, comment=comment or "", question=answer.question, share_question=bool(share))
        log_event("feedback", rating=rating, shared=bool(share), build_id=build_id, user=user)
        return f"Takk! Tilbakemeldingen på svar {ordinal(index)} er lagret" + (
            " med spørsmålet." if share else " uten spørsmålet."
        )
