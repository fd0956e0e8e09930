"""Tokenisation: English words, Chinese words learnt with jieba, and both in one text."""

import re

from services.routing.classifier.text import Tokeniser, has_chinese, learn_lexicon, normalise, trie_pattern

CHINESE = ["快递员没有送货上门，物流信息一直不更新", "客服态度恶劣，物流信息也不更新", "快递员态度恶劣"]


def test_english_words_are_lower_case_letters_only():
    tokens = Tokeniser([])("My MORTGAGE payment of $1,200 on XX/XX/2023 wasn't applied")
    assert tokens == ["my", "mortgage", "payment", "of", "on", "xx", "xx", "wasn", "t", "applied"]


def test_full_width_letters_fold_to_ascii():
    assert normalise("ＢＡＮＫ Ａccount") == "bank account"


def test_the_lexicon_keeps_jiebas_repeated_chinese_words():
    lexicon = learn_lexicon(CHINESE)
    assert lexicon == ["信息", "快递", "态度恶劣", "更新", "物流"]


def test_chinese_text_splits_into_lexicon_words_and_single_characters():
    tokenise = Tokeniser(learn_lexicon(CHINESE))
    assert tokenise("快递员态度恶劣啊") == ["快递", "员", "态度恶劣", "啊"]


def test_mixed_text_keeps_both_languages_in_order():
    tokenise = Tokeniser(learn_lexicon(CHINESE))
    assert tokenise("iPhone 15 快递员 lost my 物流信息!") == ["iphone", "快递", "员", "lost", "my", "物流", "信息"]


def test_the_trie_pattern_matches_the_longest_word():
    pattern = re.compile(trie_pattern(["中国", "中国人", "中国人民", "人民"]))
    assert pattern.findall("中国人民中国人中国") == ["中国人民", "中国人", "中国"]


def test_a_tokeniser_survives_pickling_with_its_lexicon():
    import pickle

    tokenise = pickle.loads(pickle.dumps(Tokeniser(["物流"])))
    assert tokenise("物流慢") == ["物流", "慢"]


def test_chinese_is_detected_in_mixed_text():
    assert has_chinese("card 被盗")
    assert not has_chinese("card stolen")
