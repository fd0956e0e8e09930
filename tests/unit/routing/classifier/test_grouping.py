"""Near-duplicate groups: template letters that differ in names, dates or amounts stay together."""

from services.routing.classifier.grouping import fingerprint, near_duplicate_groups

TEMPLATE = ("In accordance with the Fair Credit Reporting Act, the accounts listed below have violated my rights. "
            "I demand that {name} remove the inaccurate account {account} opened on {date}, because I never "
            "authorised it and the balance of {amount} is not mine. Please delete it within thirty days as the law "
            "requires and send me an updated copy of my report.")


def letter(name: str, account: str, date: str, amount: str) -> str:
    return TEMPLATE.format(name=name, account=account, date=date, amount=amount)


def test_redactions_digits_case_and_punctuation_do_not_change_the_fingerprint():
    assert fingerprint("My card XXXX was charged {$100.00} on 01/02/2023!") == fingerprint(
        "my card xxxx was CHARGED {$250.00} on 03/04/2022")
    assert fingerprint("my card was charged") != fingerprint("my loan was charged")


def test_template_letters_share_a_group_and_other_texts_do_not():
    texts = [
        letter("Equifax", "XXXX", "XX/XX/2022", "{$500.00}"),
        letter("Experian", "Capital One", "01/05/2021", "{$1,200.00}"),
        letter("TransUnion", "Synchrony Bank", "XX/XX/XXXX", "{$80.00}") + " Thank you.",
        "My student loan servicer lost my paperwork twice and now charges late fees every month.",
        "The dealership repossessed my car although I paid every instalment of the vehicle loan on time.",
    ]
    groups = near_duplicate_groups(texts)
    assert groups[0] == groups[1] == groups[2]
    assert len({groups[0], groups[3], groups[4]}) == 3


def test_chinese_near_duplicates_group_by_characters():
    texts = ["我于3月5日购买的手机屏幕有划痕，开机后还频繁死机，客服一直推脱，要求退货并赔偿损失。",
             "我于7月9日购买的手机屏幕有划痕，开机后还频繁死机，客服一直推脱，要求退货并赔偿损失！",
             "快递显示已签收但我根本没收到包裹，联系快递公司也不处理。"]
    groups = near_duplicate_groups(texts)
    assert groups[0] == groups[1] != groups[2]
