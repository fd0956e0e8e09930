import random
import re

import pytest

from services.intake.tracking import (
    ALPHABET,
    RANDOM_BITS,
    is_valid_tracking_number,
    new_tracking_number,
    normalise_tracking_number,
)

CANONICAL = re.compile(rf"RD-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]")


def bits_for(body: str):
    """A random_bits stand-in that yields exactly this 8-character body."""
    value = 0
    for char in body:
        value = value << 5 | ALPHABET.index(char)
    return lambda n: value


def some_numbers(count: int = 300) -> list[str]:
    rng = random.Random(20240611)
    return [new_tracking_number(rng.getrandbits) for _ in range(count)]


def with_code(code: str) -> str:
    return f"RD-{code[:4]}-{code[4:8]}-{code[8]}"


def code_of(number: str) -> str:
    return number.replace("RD-", "").replace("-", "")


def test_a_new_number_has_the_canonical_form_and_is_valid():
    number = new_tracking_number()
    assert CANONICAL.fullmatch(number), number
    assert is_valid_tracking_number(number)


def test_default_randomness_gives_different_numbers():
    assert len({new_tracking_number() for _ in range(100)}) == 100


def test_the_body_encodes_the_random_bits_in_crockford_base32():
    asked = []

    def random_bits(n: int) -> int:
        asked.append(n)
        return 0

    assert new_tracking_number(random_bits) == "RD-0000-0000-0"
    assert asked == [RANDOM_BITS] == [40]
    assert new_tracking_number(lambda n: (1 << n) - 1).startswith("RD-ZZZZ-ZZZZ-")
    assert new_tracking_number(bits_for("7K3M9QX2")) == "RD-7K3M-9QX2-T"


@pytest.mark.parametrize("value", [-1, 1 << 40])
def test_randomness_outside_forty_bits_is_refused(value: int):
    with pytest.raises(ValueError, match="outside 40 bits"):
        new_tracking_number(lambda n: value)


def test_every_single_character_substitution_is_detected():
    tried = 0
    for number in some_numbers():
        code = code_of(number)
        for position, original in enumerate(code):
            for replacement in ALPHABET.replace(original, ""):
                mistyped = with_code(code[:position] + replacement + code[position + 1 :])
                assert not is_valid_tracking_number(mistyped), (number, mistyped)
                tried += 1
    assert tried == 300 * 9 * 31


def test_every_adjacent_transposition_is_detected():
    tried = 0
    for number in some_numbers():
        code = code_of(number)
        for i in range(len(code) - 1):
            if code[i] != code[i + 1]:
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
                assert not is_valid_tracking_number(with_code(swapped)), (number, swapped)
                tried += 1
    assert tried > 300 * 8 * 0.9


def test_swaps_further_apart_are_detected_too():
    for number in some_numbers(100):
        code = list(code_of(number))
        for i in range(len(code)):
            for j in range(i + 2, len(code)):
                if code[i] != code[j]:
                    swapped = code.copy()
                    swapped[i], swapped[j] = code[j], code[i]
                    assert not is_valid_tracking_number(with_code("".join(swapped)))


# RD-10KM-0Q1X-? has a 0 and a 1 in it, the characters people read as O, I or L.
NUMBER = new_tracking_number(bits_for("10KM0Q1X"))


@pytest.mark.parametrize(
    "typed",
    [
        NUMBER,
        NUMBER.lower(),
        NUMBER.replace("-", " "),
        NUMBER.replace("-", ""),
        NUMBER[3:],
        NUMBER[3:].replace("-", " ").lower(),
        f"  {NUMBER}\n",
        NUMBER.replace("-", "–"),
        NUMBER.replace("0", "O").replace("1", "I", 1).replace("1", "l"),
        "ＲＤ－" + "".join(chr(ord(c) + 0xFEE0) if c != "-" else "－" for c in NUMBER[3:]),
    ],
)
def test_sloppy_input_normalises_to_the_canonical_form(typed: str):
    assert normalise_tracking_number(typed) == NUMBER


def test_only_the_canonical_form_is_valid():
    assert is_valid_tracking_number(NUMBER)
    assert not is_valid_tracking_number(NUMBER.lower())
    assert not is_valid_tracking_number(NUMBER[3:])
    assert not is_valid_tracking_number("")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "empty"),
        ("  - ", "empty"),
        ("hello", "has 5 characters; expected RD and 9 more"),
        ("RD-10KM-0Q1X", "has 10 characters"),
        (NUMBER + "7", "has 12 characters"),
        ("XY" + NUMBER[2:], "should start with RD"),
        ("RD-10KM-0Q1U-0", "contains U, which tracking numbers never use"),
        ("RD-10K?-0Q1X-*", r"contains \*, \?"),
        (NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1"), "does not add up"),
    ],
)
def test_garbage_is_refused_with_a_clear_message(typed: str, message: str):
    with pytest.raises(ValueError, match=message):
        normalise_tracking_number(typed)
