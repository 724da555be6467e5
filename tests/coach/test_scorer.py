"""coach(): moments, score, missing moves, improved draft, the JSONL shape, and a custom rubric."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playbook._build import build

from calmline.coach import coach, load_rubric
from calmline.errors import ConfigError

ANGRY = build(("customer", "My parcel 88213 never arrived and I was charged twice. Useless!", {}, 0.8))
INSULT = build(("customer", "you idiot, my parcel 88213 never arrived", {"abuse.insult": "idiot"}, 0.8))
RESOLVED = build(("customer", "It works now, thanks!", {}, 0.0))
MANAGER = build(
    ("customer", "Put me through to a manager about my parcel", {"request.manager": "Put me through to a manager"}, 0.6)
)


@pytest.mark.parametrize(
    ("analysis", "draft", "missing"),
    [
        (ANGRY, "I'll send a replacement by Friday.", {"empathy.specific"}),
        (ANGRY, "I'm sorry your parcel 88213 never arrived and you were charged twice; that's maddening.", set()),
        (INSULT, "I'm sorry your parcel 88213 never arrived.", {"boundary.request"}),
        (RESOLVED, "Great, glad it works. Have a good day!", {"next_steps", "timeframe", "contact"}),
        (RESOLVED, "Glad it works! I'll check back on Monday; your case is CS-1234.", set()),
        (MANAGER, "Sure.", {"escalation.offer", "empathy.specific"}),
        (ANGRY, "I can't refund that.", {"alternative", "empathy.specific"}),
    ],
)
def test_missing_moves_depend_on_the_moment(analysis, draft, missing):
    review = coach(draft, analysis)
    assert {m.move for m in review.missing} == missing
    assert all(m.why for m in review.missing)


def test_waiting_moment_expects_an_update():
    a = build(("customer", "where is my parcel 88213", {}, 0.4), ("agent", "Let me check that for you."))
    review = coach("The depot has it.", a, now=a.turns[-1].turn.ts + timedelta(minutes=3))
    assert "update.waiting" in {m.move for m in review.missing}


def test_dismissive_is_penalised_and_removed():
    bad = coach("Calm down. As I already said, I'll send a replacement by Friday.", ANGRY)
    good = coach(
        "I'm sorry your parcel 88213 never arrived; that's maddening. I'll send a replacement by Friday.", ANGRY
    )
    assert bad.score < good.score
    assert "calm down" not in bad.suggestion.lower()
    assert "Friday" not in bad.suggestion or "replacement" in bad.suggestion


def test_suggestion_keeps_the_agents_facts_and_adds_missing_moves():
    review = coach("I'll send a replacement by Friday, reference CS-9981.", ANGRY)
    assert "CS-9981" in review.suggestion and "Friday" in review.suggestion
    again = coach(review.suggestion, ANGRY)
    assert "empathy.specific" in again.label_names()
    assert again.score > review.score


def test_to_dict_matches_the_contract():
    out = coach("Thank you, I'll send it by Friday.", ANGRY).to_dict("d1")
    assert list(out) == ["id", "labels", "score", "missing", "suggestion", "unfilled"]
    assert set(out["labels"][0]) == {"label", "score", "evidence"}
    assert set(out["labels"][0]["evidence"][0]) == {"start", "end", "text"}
    assert isinstance(out["score"], int) and 0 <= out["score"] <= 100
    assert all(set(m) == {"move", "why"} for m in out["missing"])


def test_custom_rubric_changes_scores_by_yaml_alone():
    custom = load_rubric(Path(__file__).parents[1] / "data" / "custom_rubric.yaml")
    draft = "Calm down, I'll send a replacement by Friday."
    assert coach(draft, ANGRY, rubric=custom).score < coach(draft, ANGRY).score


def test_bad_rubric_names_file_and_key(tmp_path):
    path = tmp_path / "r.yaml"
    src = (Path(__file__).parents[2] / "calmline" / "coach" / "defaults" / "rubric.yaml").read_text()
    path.write_text(src.replace("  gratitude: 3", "  gratitude: 3\n  politeness: 2"))
    with pytest.raises(ConfigError, match=r"r\.yaml: labels: unknown key\(s\) politeness"):
        load_rubric(path)


def test_praise_is_thanked_back_and_ranked_above_a_complaint_script():
    praise = build(("customer", "Your crew on the Boston flight were brilliant, thank you!", {}, 0.0))
    thanked = coach("Thank you so much for the kind words, I'll pass them on to the crew!", praise)
    scripted = coach("I understand your frustration. I'll raise this with the team.", praise)
    questioned = coach("What would a good outcome look like for you?", praise)
    assert not thanked.missing and thanked.score > max(scripted.score, questioned.score)
    assert {m.move for m in scripted.missing} == {"gratitude"}
    assert scripted.suggestion.startswith("Thank you") and "frustrat" not in scripted.suggestion.lower()
    # near miss: a complaint is no praise moment
    complaint = coach("Thank you for telling us.", ANGRY)
    assert "praised" not in complaint.moments
