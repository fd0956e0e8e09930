"""Root-cause terms: tokens (jieba for Chinese) and the terms that set a group apart."""

from services.feedback.analytics.terms import characterise, tokens


def test_tokens_cut_chinese_with_jieba_and_drop_stop_words():
    words = tokens("我的账单多扣了话费 The refund is LATE, call ***")
    assert {"账单", "话费", "refund", "late"} <= set(words)
    assert not {"的", "了", "the", "is", "我"} & set(words)


def test_terms_of_a_group_against_the_rest():
    found = characterise(["账单 多扣 话费", "账单 错误", "账单 退款"], ["网络 断线", "网络 很慢"], top=3, topics=2)
    assert (found.documents, found.others) == (3, 2)
    assert found.terms[0].term == "账单"
    assert all(t.score > 0 for t in found.terms)
    assert "网络" not in [t.term for t in found.terms]
    assert 1 <= len(found.topics) <= 2 and abs(sum(t.weight for t in found.topics) - 1) < 0.01


def test_nothing_to_characterise():
    assert characterise([], ["网络"], top=3, topics=2).terms == []
    assert characterise(["的 了"], [], top=3, topics=2).terms == []
