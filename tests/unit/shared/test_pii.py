import time

import pytest

from shared.pii import PiiKind, PiiMatch, find_pii, id_card_check_digit, luhn_valid, mask_pii


def with_id_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 as the standard states it (weights 2^i mod 11), independent of shared.pii's table."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    check = (12 - sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11) % 11
    return first17 + ("X" if check == 10 else str(check))


def passes_luhn(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    return sum(d if i % 2 == 0 else sum(divmod(2 * d, 10)) for i, d in enumerate(digits)) % 10 == 0


EMAILS = [
    "jane@example.com",
    "Jane.Doe+claims@mail.example.co.uk",
    "zhang_san@163.com",
    "12345678@qq.com",
    "li-si.2024@corp.example.cn",
    "josé.garcía@correo.es",
    "иван@почта.рф",
    "user@例子.com",
    "zhang＠example.com",
    "o'brien@example.ie",
]
PHONES = [
    # Chinese mobile
    "13812345678",
    "199 1234 5678",
    "138-1234-5678",
    "+8613812345678",
    "+86 138 1234 5678",
    "+86-138-1234-5678",
    "(+86) 13812345678",
    "0086 13812345678",
    "8613812345678",
    "１３８１２３４５６７８",
    # Chinese landline
    "010-65529988",
    "01065529988",
    "010-6552-9988",
    "(010)65529988",
    "（010）65529988",
    "0755-86013388",
    "021 6278 1234",
    "0571-8888888",
    # international
    "+1 (415) 555-0100",
    "+1-415-555-0100",
    "+1.415.555.0100",
    "+14155550100",
    "+44 20 7946 0958",
    "+44 (0)20 7946 0958",
    "+33 1 23 45 67 89",
    "+49 30 901820",
    "+61 2 9876 5432",
    "+81 3-1234-5678",
    "+86 10 6552 9988",
    # North American
    "(415) 555-0100",
    "(415)555-0100",
    "415-555-0100",
    "415.555.0100",
    "415 555 0100",
    "555-123-4567",
    "1-800-555-0100",
    "1 (800) 555-0100",
]
ID_CARDS = [
    "110101199003074514",
    "11010519491231002X",
    "11010519491231002x",
    "11010519491231002Ｘ",
    "440301199912310016",
    "510107200002291232",  # born on a leap day
    "650102198511158885",
    "810000199001011230",  # Hong Kong resident's residence permit
    "110105 19491231 002X",
    "440524800101001",  # first generation, 15 digits: born 1980-01-01
    "１１０１０１１９９００３０７４５１４",
]
NOT_LUHN = ["6222021234567890120", "6212 2612 3456 7890"]  # UnionPay cards without a Luhn check digit
CARDS = [
    "4111111111111111",
    "4111 1111 1111 1111",
    "4111-1111-1111-1111",
    "4222222222222",
    "5500 0000 0000 0004",
    "5105105105105100",
    "2221000000000009",
    "378282246310005",
    "3782 822463 10005",
    "30569309025904",
    "6011111111111117",
    "3530111333300000",
    "6222021234567890128",
    "6222 0212 3456 7890 128",
    "6212261234567898",
    *NOT_LUHN,
    "４１１１１１１１１１１１１１１１",
]
CASES = (
    [(email, "[email]") for email in EMAILS]
    + [(phone, "[phone]") for phone in PHONES]
    + [(number, "[id-card]") for number in ID_CARDS]
    + [(number, "[card]") for number in CARDS]
)
SENTENCES = ["{}", "Please call or write to {} today.", "Contact: {}; thanks", "我的联系方式是{}，谢谢！", "客户（{}）"]


@pytest.mark.parametrize("sentence", SENTENCES)
@pytest.mark.parametrize(("value", "token"), CASES)
def test_each_shape_is_masked_whole_in_english_and_chinese_sentences(value, token, sentence):
    assert mask_pii(sentence.format(value)) == sentence.format(token)


def test_the_numbers_in_the_tables_are_valid_by_independent_checks():
    for number in ID_CARDS:
        plain = number.replace(" ", "").upper().translate(str.maketrans("０１２３４５６７８９Ｘ", "0123456789X"))
        if len(plain) == 18:
            assert with_id_check_digit(plain[:17]) == plain, number
            assert id_card_check_digit(plain[:17]) == plain[17], number
    for number in CARDS:
        plain = number.replace(" ", "").replace("-", "").translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        assert passes_luhn(plain) == luhn_valid(plain) == (number not in NOT_LUHN), number


MUST_NOT_MASK = [
    # dates, times, timestamps, years
    "2024-05-01",
    "2024/05/01",
    "2024年5月1日",
    "2024年05月01日 10:30",
    "05/01/2024 - 06/30/2024",
    "2024-05-01 至 2024-06-30",
    "10:00:00",
    "2024-05-01T10:00:00Z",
    "2024-05-01T10:00:00.123456+08:00",
    "2024-05-01 10:00:00,123 INFO",
    "20240501",
    "20240501103000",
    "1714550400",
    "1714550400123",
    "since 1998",
    # amounts and percentages
    "¥1,234.56",
    "$100.00",
    "1,000,000",
    "10,000,000.00",
    "RMB 12,345,678",
    "￥12345.67元",
    "12.5%",
    "+12.5%",
    "+100.00",
    "-1234567",
    "3.14159265358979",
    # identifiers
    "123e4567-e89b-12d3-a456-426614174000",
    "00000000-0000-0000-0000-013812345678",  # UUID groups that read like phone numbers
    "00000000-0000-0000-0000-075586013388",
    "RD-7K3M-9QX2-A",
    "RD-2345-6789-7",
    "trace 4bf92f3577b34da6a3ce929d0e0e4736",
    "sha 5d41402abc4b2a76b9719d911017c592",
    "order 123456",
    "ticket #1234567",
    "订单号 202405011234",
    "订单号：1234567890123456789",
    "快递单号：773012345678901",
    "SF1234567890123",
    "INC0012345",
    "v1.2.3",
    "192.168.100.200",
    "Python 3.11.7",
    "page 1 2 3 4 5 6 7",
    "12 34 56 78",
    # CFPB redactions
    "XXXX",
    "XX/XX/XXXX",
    "{$100.00}",
    "On XX/XX/XXXX I paid {$1,200.00} to XXXX XXXX, account ending in XXXX.",
    # numbers that fail their checks
    "110101199003074515",  # wrong check digit
    "990101199003074518",  # no such province
    "310115200102291232",  # 29 February 2001
    "110101203001010014",  # born in the future
    "440524801301001",  # month 13
    "4111111111111112",  # fails Luhn
    "62220212345678",  # 62, but too short for a card
    "12345678901",  # 12 is no mobile prefix
    "0123456789",  # 012 is no area code
    "555-0100",  # no area code
    # handles and code, not addresses
    "@app.route",
    "ping @zhang.san about it",
    "user@localhost",
    "a@b.c",
]


@pytest.mark.parametrize("text", MUST_NOT_MASK)
def test_these_stay_as_they_are(text):
    assert mask_pii(text) == text
    assert find_pii(text) == []


def test_a_chinese_sentence_without_spaces_loses_all_three():
    text = "我的手机号是13812345678，邮箱zhang.san@example.com，身份证110101199003074514"
    assert mask_pii(text) == "我的手机号是[phone]，邮箱[email]，身份证[id-card]"


def test_a_mixed_complaint_keeps_everything_but_the_personal_data():
    text = (
        "2024年5月1日我在贵公司购买了套餐（订单号 202405011234，金额¥1,234.56），tracking RD-7K3M-9QX2-A. "
        "I called +1 (415) 555-0100 on 2024-05-03T10:00:00Z, card 4111 1111 1111 1111 charged $100.00 twice; "
        "请回电010-65529988或13812345678, or mail jane.doe@example.com."
    )
    assert mask_pii(text) == (
        "2024年5月1日我在贵公司购买了套餐（订单号 202405011234，金额¥1,234.56），tracking RD-7K3M-9QX2-A. "
        "I called [phone] on 2024-05-03T10:00:00Z, card [card] charged $100.00 twice; "
        "请回电[phone]或[phone], or mail [email]."
    )


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("4111 1111 1111 1111 2024", "[card] 2024"),  # the next number is not part of the card
        ("2024 4111 1111 1111 1111", "2024 [card]"),
        ("+86 138 1234 5678 2024年", "[phone] 2024年"),  # E.164 stops at 15 digits
        ("13812345678 13987654321", "[phone] [phone]"),
        ("13812345678@qq.com", "[email]"),  # the address wins over the number in it
        ("电话：010-65529988转801", "电话：[phone]转801"),
        ("Tel13812345678 QQ号12345", "Tel[phone] QQ号12345"),
        ("张三@example.com", "张三[email]"),  # a CJK local part cannot be told from the text before it
        ("<jane@example.org>", "<[email]>"),
        ("name='jane@example.org'", "name='[email]'"),
        ("mailto:jane@example.org", "mailto:[email]"),
        ("...jane@example.org", "...[email]"),
    ],
)
def test_where_a_match_starts_and_ends(text, masked):
    assert mask_pii(text) == masked


def test_an_id_number_is_not_half_masked_as_a_phone_number():
    text = "身份证 110101199003074514"
    assert find_pii(text) == [PiiMatch(4, 22, PiiKind.ID_CARD)]


def test_find_pii_reports_kinds_and_spans_in_text_order():
    text = "a 13812345678 b jane@example.com c 4111111111111111 d 11010519491231002X"
    matches = find_pii(text)
    assert [(m.kind, text[m.start : m.end]) for m in matches] == [
        (PiiKind.PHONE, "13812345678"),
        (PiiKind.EMAIL, "jane@example.com"),
        (PiiKind.CARD, "4111111111111111"),
        (PiiKind.ID_CARD, "11010519491231002X"),
    ]
    assert [m.token for m in matches] == ["[phone]", "[email]", "[card]", "[id-card]"]


def test_an_empty_text_has_nothing_to_mask():
    assert find_pii("") == []
    assert mask_pii("") == ""


@pytest.mark.parametrize(("value", "token"), CASES[::5])
def test_masking_twice_changes_nothing_more(value, token):
    once = mask_pii(f"see {value} and 2024-05-01")
    assert mask_pii(once) == once == f"see {token} and 2024-05-01"


@pytest.mark.parametrize(
    "text",
    [
        "1" * 20_000,
        "1111 " * 4_000,
        "4111 1111 1111 1111 " * 1_000,
        "+1 " * 6_000,
        "+" + "1" * 19_999,
        "1-" * 10_000,
        "(1)" * 6_000,
        "a@" * 10_000,
        ("a@" + "b" * 70) * 250,
        "a" * 19_990 + "@x.com",
    ],
)
def test_hostile_texts_take_linear_time(text):
    started = time.perf_counter()
    mask_pii(text)
    assert time.perf_counter() - started < 0.5  # about 15 ms; backtracking would take seconds
