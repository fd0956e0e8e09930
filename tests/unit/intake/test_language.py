import subprocess
import sys

import pytest

from services.intake.language import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "我的快递已经三个星期没有送到了，客服一直不回复，请尽快处理。",
        "银行在没有通知我的情况下从我的账户扣了两次年费，要求退款。",
        "我於上個月購買的洗衣機無法啟動，維修人員一直沒有來。",
        "我哋部電話壞咗，打去客服都冇人聽",
        "太慢了，差评",
    ],
)
def test_chinese_in_any_script_or_variant_is_zh(text: str):
    assert detect_language(text) == "zh"


@pytest.mark.parametrize(
    "text",
    [
        "我的iPhone 15屏幕坏了，客服一直不回复",
        "在Amazon上买的Kindle Paperwhite收到时屏幕碎了",
        "我用Visa卡在Booking.com订酒店被重复扣款",
        "订单号 ORDER-2024-55817，Samsung Galaxy S24 Ultra 无法开机",
        "MacBook Pro M3 Max keyboard 失灵，Apple Store 说不保修",
    ],
)
def test_chinese_with_english_product_names_is_zh(text: str):
    assert detect_language(text) == "zh"


def test_english_with_a_chinese_shop_name_is_en():
    text = "I bought this from the 淘宝 store last month and the charger stopped working after two days."
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "I was charged twice for the same purchase and the bank refuses to reverse it.",
        "My package never arrived.",
        "THE ENGINE LIGHT CAME ON AGAIN AND THE DEALER REFUSES TO FIX IT",
        "customer service hung up on me three times, this is unacceptable",
        "XXXX XX/XX/XXXX I was charged {$100.00} twice",
        "On XX/XX/XXXX I contacted XXXX XXXX about account XXXX. The payment of {$250.00} posted late.",
    ],
)
def test_english_including_cfpb_redactions_is_en(text: str):
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("注文した商品がまだ届いていません。サポートに連絡しても返事がありません。", "ja"),
        ("주문한 상품이 아직 도착하지 않았습니다. 고객센터에 연락해도 답이 없습니다.", "ko"),
        ("Ma commande n'est jamais arrivée et le service client ne répond pas.", "fr"),
        ("Meine Bestellung ist nie angekommen und der Kundendienst antwortet nicht.", "de"),
        ("Mi pedido nunca llegó y el servicio al cliente no responde.", "es"),
        ("Мой заказ так и не пришёл, а служба поддержки не отвечает.", "ru"),
    ],
)
def test_other_languages_get_their_own_code(text: str, code: str):
    assert detect_language(text) == code


@pytest.mark.parametrize(
    "text",
    ["", "   \n", "ok", "不好", "😡😡😡", "12345 !!!", "XXXX XX/XX/XXXX {$100.00}", "asdf qwer zxcv"],
)
def test_too_short_or_not_language_is_none(text: str):
    assert detect_language(text) is None


def test_a_cfpb_narrative_is_read_past_a_long_run_of_masks():
    masks = " ".join(["XXXX"] * 120) + " XX/XX/XXXX {$1,200.00}."
    assert len(masks.encode()) > 512
    assert detect_language(masks + " I have been trying to get this fixed for months and nobody will help me.") == "en"


def test_only_the_beginning_of_a_long_complaint_is_read():
    english = "I was charged twice for the same purchase and the bank refuses to reverse it. " * 8
    chinese = "我的快递已经三个星期没有送到了，客服一直不回复，请尽快处理。" * 600
    assert len(english.encode()) > 512
    assert len(english + chinese) > 18_000
    assert detect_language(english + chinese) == "en"
    assert detect_language(chinese + english) == "zh"


def test_importing_the_module_loads_no_model():
    code = "import sys, services.intake.language; print('py3langid' in sys.modules, 'numpy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]
