"""Reading the survey form: scores out of the posted fields, and the questions left unanswered or out of range."""

from services.feedback.surveys.page import notice, read_form


def test_a_complete_form_gives_its_scores():
    answer = read_form({"csat": "4", "solved": "yes", "nps": "9", "ces": "6", "dimensions.attitude": "5",
                        "dimensions.expertise": "", "comment": "fine"})
    assert answer.invalid == []
    scores = answer.scores
    assert (scores.csat, scores.solved, scores.nps, scores.ces, scores.comment) == (4, True, 9, 6, "fine")
    assert scores.dimensions == {"attitude": 5}


def test_missing_required_answers_and_out_of_range_scores_are_named():
    answer = read_form({"nps": "11", "ces": "x", "dimensions.attitude": "0"})
    assert answer.invalid == ["csat", "solved", "nps", "ces", "dimensions.attitude"]


def test_a_notice_for_an_unknown_survey_speaks_both_languages():
    page = notice("forged", status=404)
    body = page.body.decode()
    assert page.status_code == 404
    assert 'lang="zh-CN"' in body and 'lang="en"' in body and "Survey not found" in body and "未找到调查" in body
