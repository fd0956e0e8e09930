"""TF-IDF similarity of complaints in English and Chinese."""

from services.routing.knowledge.domain import most_similar

DOCUMENTS = ["The courier lost my parcel and tracking stopped", "I was charged twice on my invoice",
             "快递包裹丢失，物流信息不更新", "客服态度很差"]


def test_the_most_similar_complaint_comes_first():
    assert most_similar("parcel lost by the courier", DOCUMENTS, limit=2)[0][0] == 0
    assert most_similar("我的包裹丢失了", DOCUMENTS, limit=2)[0][0] == 2


def test_scores_fall_and_the_limit_holds():
    ranked = most_similar("charged twice, parcel lost", DOCUMENTS, limit=3)
    assert len(ranked) <= 3 and [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)


def test_nothing_to_compare_suggests_nothing():
    assert most_similar("anything", [], limit=5) == []
    assert most_similar("   ", DOCUMENTS, limit=5) == []
