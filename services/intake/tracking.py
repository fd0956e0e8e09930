"""Tracking numbers that customers can read aloud and type back: RD-7K3M-9QX2-T.

The body is 40 random bits in Crockford's Base32 (no I, L, O or U, so nothing is
mistaken for 1 or 0). The last character is a check over the body, drawn from the
same 32 characters: Crockford's own mod-37 check would need *, ~, $, = and U, which
are awkward to say on the phone and to type on a keypad.

The check treats each character as an element of GF(32) (polynomials over GF(2)
modulo x^5 + x^2 + 1) and adds them up weighted by x^8, x^7 ... x^1, the check
character itself having weight 1. In a field a product of non-zero factors is
never zero, hence:
- a wrong character at weight w changes the sum by w * (old XOR new) != 0;
- two different characters a, b swapped between weights w1 != w2 change it by
  (w1 XOR w2) * (a XOR b) != 0, for neighbours or any other pair.
x is primitive (order 31), so the nine weights are all different.
"""

import secrets
import unicodedata
from collections.abc import Callable

PREFIX = "RD"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 8
RANDOM_BITS = 5 * BODY_LENGTH

_VALUE = {char: value for value, char in enumerate(ALPHABET)}
# What people type when they read 0 and 1 (Crockford's decoding rules).
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans(dict.fromkeys(" \t\n-‐‑‒–—―_", None))
_MODULUS = 0b100101  # x^5 + x^2 + 1
_CODE_LENGTH = BODY_LENGTH + 1


def new_tracking_number(random_bits: Callable[[int], int] | None = None) -> str:
    """A fresh number such as RD-7K3M-9QX2-T; unique only by chance, the database enforces it."""
    value = (random_bits or secrets.randbits)(RANDOM_BITS)
    if not 0 <= value < 1 << RANDOM_BITS:
        raise ValueError(f"random_bits returned {value}, outside {RANDOM_BITS} bits")
    body = "".join(ALPHABET[(value >> shift) & 31] for shift in range(RANDOM_BITS - 5, -1, -5))
    return _format(body + _check_character(body))


def is_valid_tracking_number(text: str) -> bool:
    """True only for the canonical form with a matching check; tidy user input with normalise_tracking_number."""
    try:
        return normalise_tracking_number(text) == text
    except ValueError:
        return False


def normalise_tracking_number(text: str) -> str:
    """The canonical RD-XXXX-XXXX-C form of a number typed or read back sloppily; ValueError if it is not one."""
    # NFKC turns full-width input from Chinese keyboards (ＲＤ－７Ｋ…) into ASCII.
    compact = unicodedata.normalize("NFKC", text).upper().translate(_SEPARATORS)
    if not compact:
        raise ValueError("tracking number is empty")
    code = _without_prefix(compact, text=text).translate(_LOOKALIKES)
    unknown = sorted({char for char in code if char not in _VALUE})
    if unknown:
        raise ValueError(f"tracking number {text!r} contains {', '.join(unknown)}, which tracking numbers never use")
    if code[-1] != _check_character(code[:-1]):
        raise ValueError(f"tracking number {text!r} does not add up: a character is wrong or two are swapped")
    return _format(code)


def _without_prefix(compact: str, *, text: str) -> str:
    if len(compact) == len(PREFIX) + _CODE_LENGTH:
        if not compact.startswith(PREFIX):
            raise ValueError(f"tracking number {text!r} should start with {PREFIX}")
        return compact[len(PREFIX) :]
    if len(compact) != _CODE_LENGTH:
        raise ValueError(
            f"tracking number {text!r} has {len(compact)} characters; "
            f"expected {PREFIX} and {_CODE_LENGTH} more, like {PREFIX}-7K3M-9QX2-T"
        )
    return compact


def _check_character(body: str) -> str:
    total = 0
    for char in body:
        # Horner's rule: multiplying by x each step gives the first character weight x^len(body).
        total = _times_x(total ^ _VALUE[char])
    return ALPHABET[total]


def _times_x(value: int) -> int:
    value <<= 1
    return value ^ _MODULUS if value & 0b100000 else value


def _format(code: str) -> str:
    return f"{PREFIX}-{code[:4]}-{code[4:8]}-{code[8]}"
