"""A conversation: follow-ups answered in the state the earlier turns left, against the real index."""

from __future__ import annotations

from rusqa.answering.conversation import Conversation, context_parts, ordinal_reference


def test_a_field_follow_up_and_a_place_switch(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    first = chat.ask("Hvem har ansvar for hasjavvenningsprogrammet i Grorud?")
    assert first.citations[0].record_id == "grorud-2023-t11"
    second = chat.ask("og hva er fristen?")
    assert second.answer.startswith("Frist: «Kontinuerlig» [1]") and second.citations[0].record_id == "grorud-2023-t11"
    assert second.context is not None and second.context.field is not None and second.context.field.value == "deadline"
    third = chat.ask("hva med Ullern?")
    assert third.citations[0].record_id.startswith("ullern-") and third.answer.startswith("Frist:")


def test_the_same_question_for_another_plan_finds_the_counterpart_by_the_tiltak_s_goal(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    first = chat.ask("Hvem sørger for at innbyggerne i Grorud slipper å ringe NAV kontaktsenteret?")
    assert first.citations[0].record_id == "grorud-2023-t10"  # goal: «… har en fast kontaktperson i bydelen»
    other = chat.ask("samme for Nordre Aker")  # the question's words are not Nordre Aker's; the goal's are
    assert other.citations[0].record_id == "nordre-aker-2020-t27" and other.answer.startswith("Ansvarlig: «OF/HM")
    none = Conversation(assistant)
    none.ask("Hvem har ansvar for naloxonopplæring i Grorud?")
    assert none.ask("samme for Ullern").abstained  # no counterpart, and Ullern's plan never names naloxone


def test_another_tiltak_number_in_the_chat_asks_the_same_field_in_the_same_plan(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    assert chat.ask("Hva er status på tiltak 4 i Grorud?").citations[0].record_id == "grorud-2023-t4"
    other = chat.ask("og tiltak 7?")
    assert other.citations[0].record_id == "grorud-2023-t7" and other.answer.startswith("Status:")


def test_a_pronoun_follow_up_keeps_the_subject_for_the_next_place(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("Hvem har ansvar for erfaringskonsulenter i Ullern?")
    pinned = chat.ask("når skal det evalueres?")
    moved = chat.ask("hva med Grorud?")
    assert pinned.citations[0].record_id.startswith("ullern-")
    assert moved.citations[0].record_id.startswith("grorud-2023-") and moved.answer.startswith("Frist:")


def test_thanks_gets_a_short_reply_and_keeps_the_state(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("Hvem har ansvar for HAP i Grorud?")
    reply = chat.ask("takk!")
    assert reply.abstained and not reply.citations and chat.state.record_id == "grorud-2023-t11"


def test_a_list_then_how_many_of_them(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    listed = chat.ask("Hva har NAV ansvar for i Ullern?")
    narrowed = chat.ask("hvor mange av dem har frist i 2022?")
    assert len(listed.citations) == 11
    assert narrowed.answer.split()[0].isdigit() and {c.record_id for c in narrowed.citations} <= {
        c.record_id for c in listed.citations
    }


def test_the_second_one_of_a_list_then_its_deadline(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    listed = chat.ask("Hvilke tiltak i Grorud har middels risiko?")
    second = listed.citations[1].record_id
    owner = chat.ask("hvem har ansvar for den andre?")
    assert [c.record_id for c in owner.citations] == [second]
    assert owner.answer.startswith("Ansvarlig: «" + assistant.live.tiltak_by_id[second].owner)
    deadline = chat.ask("og fristen?")
    assert [c.record_id for c in deadline.citations] == [second]


def test_a_field_follow_up_after_a_passage_asks_the_tiltak_that_was_cited_too(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    first = chat.ask("Hva sier byplanen om et nytt brukerrom?")
    tiltak = [c.record_id for c in first.citations if c.record_id in assistant.live.tiltak_by_id]
    assert tiltak, first.answer
    owner = chat.ask("og hvem har ansvaret for det?")
    assert not owner.abstained and owner.citations[0].record_id == tiltak[0]


def test_an_ordinal_is_read_after_a_determiner_or_number_only() -> None:
    assert ordinal_reference("hvem har ansvar for den første?") == 1
    assert ordinal_reference("og nummer 3?") == 3
    assert ordinal_reference("hvem deler ansvaret på nummer to i lista?") == 2  # a number written as a word
    assert ordinal_reference("what about the last one?") == -1
    assert ordinal_reference("hva med de andre planene?") is None


def test_a_set_a_heading_decides_reads_in_the_plans_order_so_the_first_is_the_plans_first(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    listed = chat.ask("Hvilke tiltak hører til målet om skolen som rusfri arena?")
    assert [c.record_id for c in listed.citations] == ["oslo-2026-14F", "oslo-2026-15F"]
    owner = chat.ask("hvem har ansvar for det første av dem?")
    assert owner.citations[0].record_id == "oslo-2026-14F" and "«HLS/UTD»" in owner.answer


def test_a_question_about_a_word_of_the_answer_keeps_the_tiltak_the_conversation_is_about(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    owner = chat.ask("Hvem er ansvarlig for Rustelefonen i Nordre Aker?")
    assert owner.citations[0].record_id == "nordre-aker-2020-t14" and "HM" in owner.answer
    chat.ask("hva står forkortelsen HM for?")  # answered from the plan's list of abbreviations
    deadline = chat.ask("og hva er fristen?")
    assert deadline.citations[0].record_id == "nordre-aker-2020-t14"


def test_a_field_follow_up_after_a_passage_goes_to_the_tiltak_it_cited(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    fact = chat.ask("Hva sier Grorud om naloxon?")
    tiltak = next(c.record_id for c in fact.citations if c.tiltak_id)
    assert chat.ask("hvem har ansvar for det?").citations[0].record_id == tiltak


def test_which_other_tiltak_share_the_owner_or_the_risk(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    first = chat.ask("Hvem har ansvar for erfaringskonsulenter i Ullern?")
    same = chat.ask("hvilke andre tiltak har samme ansvarlig?")
    ids = [c.record_id for c in same.citations]
    assert first.citations[0].record_id == "ullern-t17" and "ullern-t17" not in ids
    assert len(ids) == 10 and all(i.startswith("ullern-") for i in ids)
    assert "Avdelingsleder NAV med ansvar for rus" in same.answer.splitlines()[0]
    chat = Conversation(assistant)
    chat.ask("Hvilken risiko har HAP i Grorud?")  # «Høy»
    counted = chat.ask("hvor mange andre tiltak har samme risiko?")
    assert counted.answer.startswith("4 av 21") and "grorud-2023-t11" not in {c.record_id for c in counted.citations}


def test_an_across_follow_up_asks_the_last_subject_in_every_plan(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("Hvem skal lage rutiner for å evaluere alvorlige hendelser og dødsfall i Stovner?")
    across = chat.ask("Hvilke planer har en rutine for dette?")
    assert {c.record_id for c in across.citations} == {"ullern-t7", "stovner-2021-t9"}


def test_the_other_plans_leave_out_the_plan_the_chat_was_about(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("Hvem har ansvar for HAP i Grorud?")
    others = chat.ask("hvilke andre bydelsplaner har noe om hasjavvenning?")
    assert others.answer.startswith("3 av 3 planer")
    assert "ullern-t2" in {c.record_id for c in others.citations}
    assert not any(c.record_id.startswith("grorud-") for c in others.citations) and "Grorud" not in others.answer


def test_no_other_tiltak_with_the_same_owner_is_said_so(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("Hvem har ansvar for HAP i Grorud?")
    none = chat.ask("hvilke andre tiltak har samme ansvarlig?")
    assert none.abstained and not none.citations
    assert none.answer.startswith("Ingen andre tiltak i Grorud-planen") and "Ruskonsulent Ung" in none.answer


def test_the_last_of_a_list_after_a_turn_about_its_first(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    listed = chat.ask("Hvilke tiltak i Grorud har høy risiko?")
    first = chat.ask("hvem har ansvaret for den første?")
    last = chat.ask("og den siste?")
    ids = [c.record_id for c in listed.citations]
    assert first.citations[0].record_id == ids[0] and last.citations[0].record_id == ids[-1]


def test_a_list_narrowed_by_subject_then_by_status(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("Hvilke tiltak i Grorud har høy risiko?")  # 5
    youth = chat.ask("hvor mange av dem gjelder ungdom?")
    assert youth.answer.startswith("1 av 5 tiltak") and [c.record_id for c in youth.citations] == ["grorud-2023-t11"]
    started = chat.ask("hvilke av dem er påbegynt?")
    assert [c.record_id for c in started.citations] == ["grorud-2023-t11"]


def test_the_same_deadline_as_printed_and_the_same_as_the_field_just_asked(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("Hvem har ansvaret for kontaktpunktet for bekymring i Ullern?")  # t5, «1.kvartal-22»
    chat.ask("og fristen?")
    same = chat.ask("er det andre tiltak i ullern med samme frist?")
    assert [c.record_id for c in same.citations] == ["ullern-t7"]  # printed «1.Kvartal -22»
    chat = Conversation(assistant)
    chat.ask("Hvilken risiko har HAP i Grorud?")  # «Høy»
    alike = chat.ask("hvilke andre har det samme?")
    assert {c.record_id for c in alike.citations} == {
        "grorud-2023-t4",
        "grorud-2023-t10",
        "grorud-2023-t15",
        "grorud-2023-t19",
    }


def test_how_many_of_them_narrows_the_list_just_shown(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("Hva har NAV ansvar for i Ullern?")  # 11
    part = chat.ask("hvor mange av dem handler om bolig og bo-oppfølging?")
    assert part.answer.split()[:3] == [part.answer.split()[0], "av", "11"]
    assert all(c.record_id.startswith("ullern-") for c in part.citations)


def test_do_the_other_districts_have_something_similar(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("Hvem har ansvaret for HAP i Stovner?")
    similar = chat.ask("har de andre bydelene noe lignende?")
    assert {c.record_id for c in similar.citations} == {"grorud-2023-t11", "ullern-t2", "nordre-aker-2020-t24"}


def test_is_the_plan_still_valid_asks_about_the_plan_of_the_chat(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("hvor mange tiltak er det i stovner-planen?")
    valid = chat.ask("er planen fortsatt gyldig?")
    assert valid.answer.startswith("Stovner") and "utløpt" in valid.answer


def test_a_turn_about_an_abbreviation_leaves_the_chat_in_its_plan(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("hvor mange tiltak har stovner-planen?")
    chat.ask("hva betyr AVL?")  # answered from the plan's list of abbreviations, no tiltak cited
    valid = chat.ask("gjelder planen ennå?")
    assert valid.answer.startswith("Stovner") and "utløpt" in valid.answer


def test_when_with_a_past_modal_asks_the_deadline(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("Hvem har ansvar for hasjavvenningsprogrammet i Grorud?")
    when = chat.ask("og når skulle det vært ferdig?")
    assert when.answer.startswith("Frist: «Kontinuerlig» [1]") and when.citations[0].record_id == "grorud-2023-t11"


def test_the_same_question_for_another_plan_is_a_place_switch_not_a_same_field_list(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("Hvem har ansvar for HAP i Grorud?")
    chat.ask("og risikoen?")
    moved = chat.ask("samme spørsmål for Stovner")
    assert moved.citations and moved.citations[0].record_id.startswith("stovner-2021-")
    assert not moved.answer.startswith(("1 ", "2 ", "3 ", "4 ", "5 "))  # not a list of Grorud's «Høy» tiltak


def test_the_same_owner_printed_as_a_word_that_names_no_unit(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("Hvem har ansvar for erfaringskonsulenter i Grorud?")  # «Alle»
    same = chat.ask("hvilke andre tiltak har samme ansvarlig?")
    ids = {c.record_id for c in same.citations}
    assert ids == {f"grorud-2023-t{n}" for n in (3, 6, 9, 10, 19, 20)}  # not t21 «Alle/Kriseteam»


def test_a_code_the_plans_print_only_as_an_owner_filters_the_list(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("hvor mange tiltak er det i stovner-planen?")
    counted = chat.ask("hvor mange av dem har AVL alene?")  # «AVL» is printed only in the Ansvarlig column
    assert counted.answer.startswith("6 av 9 tiltak") and "eneste ansvarlig er «avl»" in counted.answer


def test_the_chat_says_what_it_is_about_by_the_district_s_name(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    first = chat.ask("Hvem har ansvar for hasjavvenningsprogrammet i Grorud?")
    assert context_parts(first.context, assistant.live.plan_by_id) == ["Grorud", "hasjavvenningsprogrammet"]
    chat.ask("hvilke tiltak har Stovner?")
    third = chat.ask("hvem har ansvar for den tredje?")
    assert context_parts(third.context, assistant.live.plan_by_id) == ["Stovner"]  # not «tredje»


def test_a_place_switch_finds_the_counterpart_by_the_tiltak_s_text_when_its_goal_is_a_broad_aim(assistant) -> None:  # type: ignore[no-untyped-def]
    """Ullern's goals are two broad aims most of its tiltak share; the kontaktpunkt's text says what it is."""
    chat = Conversation(assistant)
    chat.ask("Hva er fristen for kontaktpunktet i Ullern?")
    stovner = chat.ask("hva med Stovner?")
    assert stovner.citations and stovner.citations[0].record_id == "stovner-2021-t5"  # «… når det meldes bekymringer»


def test_a_count_that_names_its_plan_after_a_filtered_list_counts_the_whole_plan(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    assert chat.ask("Hvilke tiltak har NAV ansvar for i Grorud?").answer.startswith("8 tiltak i Grorud-planen")
    assert chat.ask("Hvor mange tiltak har Grorud?").answer.startswith("21 tiltak i Grorud-planen")
    assert chat.ask("Hvor mange tiltak har Ullern?").answer.startswith("17 tiltak i Ullern-planen")
    assert chat.ask("Hvor mange tiltak har alle planene til sammen?").answer.startswith("139 tiltak i 5 planer")
    chat = Conversation(assistant)
    chat.ask("Hvilke tiltak har NAV ansvar for i Grorud?")
    assert "«nav»" in chat.ask("og hvor mange tiltak i Ullern?").answer.splitlines()[0]  # a continuation keeps NAV


def test_how_many_with_no_subject_of_its_own_counts_the_last_list(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("Hva har NAV ansvar for i Ullern?")
    assert chat.ask("hvor mange er det?").answer.startswith("11 av 17 tiltak i Ullern-planen")
    assert chat.ask("og i Stovner?").answer.startswith("0 av 9 tiltak i Stovner-planen")
    english = Conversation(assistant)
    english.ask("Which measures in Grorud are rated medium risk?")
    assert english.ask("how many are there?").answer.startswith("8 av 21 tiltak i Grorud-planen")


def test_a_turn_that_only_names_a_new_subject_asks_the_last_question_about_it(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("Hvilke bydeler har tiltak om bolig?")
    across = chat.ask("og om IPS?")  # across plans again, not one passage about IPS
    assert across.answer.startswith(assistant.ask("Hvilke bydeler har tiltak om IPS?").answer.splitlines()[0])
    owner = Conversation(assistant)
    owner.ask("Hvem har ansvar for naloxonopplæring i Grorud?")
    other = owner.ask("hva med hasjavvenning?")  # the owner, in Grorud, of the tiltak on the new subject
    assert other.answer.startswith("Ansvarlig: «Ruskonsulent Ung") and other.citations[0].record_id == "grorud-2023-t11"
    place = Conversation(assistant)
    place.ask("Hvem har ansvar for naloxonopplæring i Grorud?")
    assert "Stovner" in place.ask("hva med Stovner?").answer  # a place is no new subject: the same question there


def test_show_those_about_a_subject_narrows_the_last_list(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("Hvilke tiltak har Ullern?")
    narrowed = chat.ask("vis de som handler om bolig")  # «de»: the tiltak just listed
    assert narrowed.answer.startswith("3 tiltak i Ullern-planen") and all(
        c.record_id.startswith("ullern-") for c in narrowed.citations
    )
    assert chat.ask("hvor mange er det?").answer.startswith("3 av 17 tiltak i Ullern-planen")


def test_a_narrowed_list_asked_of_another_plan_counts_that_plan_not_the_last_list(assistant) -> None:  # type: ignore[no-untyped-def]
    chat = Conversation(assistant)
    chat.ask("Hvilke tiltak i Grorud er vurdert til høy risiko?")
    assert chat.ask("hvor mange av dem er påbegynt?").answer.startswith("3 av 5 tiltak i Grorud-planen")
    other = chat.ask("og i Ullern?")  # Ullern prints no status or risk; Grorud's five are no Ullern tiltak
    assert "av 5" not in other.answer and "oppgir ikke status" in other.answer
