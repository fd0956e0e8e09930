"""How a QA sample is drawn: uniform without replacement, reproducible from its seed."""

from services.feedback.qa import domain


def test_the_same_seed_draws_the_same_cases():
    cases = list(range(100))
    first = domain.draw(cases, size=10, seed=42)
    assert first == domain.draw(cases, size=10, seed=42)
    assert len(set(first)) == 10 and set(first) <= set(cases)
    assert first != domain.draw(cases, size=10, seed=43)


def test_a_draw_takes_at_most_the_eligible_cases():
    assert sorted(domain.draw(["a", "b", "c"], size=10, seed=1)) == ["a", "b", "c"]
    assert domain.draw([], size=5, seed=1) == []


def test_every_case_can_be_drawn():
    drawn = {case for seed in range(200) for case in domain.draw(range(20), size=2, seed=seed)}
    assert drawn == set(range(20))
