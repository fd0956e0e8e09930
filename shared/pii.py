"""Finds and masks personal data in complaint texts, Chinese, English or mixed.

Masked are e-mail addresses, Chinese resident ID numbers, payment card numbers and phone numbers;
each becomes a token such as ``[phone]``. Intake masks every text before it goes into an event and the
log filter masks every line, so the scan is built for speed: one pass finds the stretches of text that
could hold a number at all, and the number patterns run only there. Numbers are accepted only after
their check digits, dates or digit counts agree, so order numbers, dates and amounts stay readable.
"""

import re
from collections.abc import Callable, Iterator
from datetime import date
from enum import StrEnum
from typing import NamedTuple


class PiiKind(StrEnum):
    EMAIL = "email"
    ID_CARD = "id-card"
    CARD = "card"
    PHONE = "phone"


class PiiMatch(NamedTuple):
    start: int  # first so that matches sort in text order
    end: int
    kind: PiiKind

    @property
    def token(self) -> str:
        return f"[{self.kind}]"


def mask_pii(text: str) -> str:
    """The text with every match of find_pii replaced by its token; tokens hold no digits, so it is idempotent."""
    parts: list[str] = []
    last = 0
    for match in find_pii(text):
        parts += (text[last : match.start], match.token)
        last = match.end
    return "".join(parts) + text[last:] if parts else text


def find_pii(text: str) -> list[PiiMatch]:
    """Non-overlapping matches in text order. Addresses win over numbers, IDs and cards over phones."""
    claims = _Claims(len(text))
    if "@" in text or "＠" in text:
        for start, end in _emails(text):
            claims.add(PiiKind.EMAIL, start, end)
    for cluster in _CLUSTER.finditer(text):
        chars = cluster.group()
        digits = len(chars) if chars.isdigit() else len(chars.translate(_NO_SEPARATORS))
        if digits >= _MIN_DIGITS:
            _scan_cluster(text, cluster, digits, claims)
    return sorted(claims.matches)


class _Claims:
    """The matches so far and the characters they cover, which no later match may take."""

    def __init__(self, size: int) -> None:
        self.matches: list[PiiMatch] = []
        self.taken = bytearray(size)

    def add(self, kind: PiiKind, start: int, end: int) -> bool:
        if self.taken.find(1, start, end) != -1:
            return False
        self.matches.append(PiiMatch(start, end, kind))
        self.taken[start:end] = b"\x01" * (end - start)
        return True

    def free_from(self, index: int) -> int:
        """The first untaken index at or after index (len if none)."""
        free = self.taken.find(0, index)
        return len(self.taken) if free == -1 else free


# --- e-mail addresses ---------------------------------------------------------------------------

# Chinese text has no spaces, so CJK characters (and full-width forms, CJK punctuation) never count
# as part of an address: "邮箱zhang@example.com，谢谢" must give up neither "邮箱" nor "谢谢".
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CJK_CHAR = re.compile(f"[{_CJK}]")
# RFC 5321 allows more punctuation in a local part, but in prose those characters are quotes and brackets.
_LOCAL_CHAR = rf"[^\s@＠<>()\[\]{{}}\"`,;:\\/=?!#$&*^|~\u2000-\u206f{_CJK}]"
_LOCAL_PART = re.compile(f"{_LOCAL_CHAR}+")  # matched backwards from the "@", on the reversed text
_AT_DOMAIN = re.compile(
    r"[@＠](?:[^\W_](?:[\w-]{0,61}[^\W_])?\.){1,8}"  # labels may be Unicode (IDN) or digits
    rf"[^\W\d_{_CJK}]{{2,63}}(?![^\W{_CJK}]|-)"  # TLD: letters, and it must end where the word ends
)


def _emails(text: str) -> Iterator[tuple[int, int]]:
    for at in _at_signs(text):
        if (domain := _AT_DOMAIN.match(text, at)) is None:
            continue
        local = _LOCAL_PART.match(text[max(0, at - 64) : at][::-1])  # at most 64 characters (RFC 5321)
        if local:
            start = at - len(local.group().rstrip(".'"))  # reversed: strips a leading quote or dot
        elif at and _CJK_CHAR.match(text, at - 1):
            start = at  # a CJK local part cannot be told from the words before it; hide the domain at least
        else:
            continue  # "@app.route", "@someone.dev": a handle or decorator, not an address
        yield start, domain.end()


def _at_signs(text: str) -> Iterator[int]:
    # str.find is much faster than a regex search for the rare "@" in a long text.
    for sign in "@＠":
        at = text.find(sign)
        while at != -1:
            yield at
            at = text.find(sign, at + 1)


# --- numbers ------------------------------------------------------------------------------------

_MIN_DIGITS = 7  # the shortest number masked: "+" and a country code with six more digits
# Every number pattern below matches only these characters, so a cluster holds any match whole. A pattern
# that starts with a character class keeps the pass fast: the engine skips ahead to the next candidate.
_CLUSTER = re.compile(r"[0-9０-９(（+＋][0-9０-９ .()（）+＋\-－]{6,}")
_SEPARATORS = " .()+-"
_NO_SEPARATORS = str.maketrans("", "", " .()（）+＋-－")
# Full-width forms map one to one, so an ASCII copy keeps every offset.
_TO_ASCII = str.maketrans("０１２３４５６７８９（）＋－Ｘｘ", "0123456789()+-Xx")

_LEFT = r"(?<![0-9A-Za-z_])(?<![0-9A-Za-z]-)"  # not inside a word, a hex id or a UUID group
_RIGHT = r"(?![0-9A-Za-z_])"
_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_AREA = r"0(?:10|2\d|[3-9]\d\d)"  # Beijing 010, the big cities 02x, elsewhere 0 + three digits

# 18 characters (6 region, 8 birth date, 3 sequence, check digit), maybe spaced 6-8-4; or the 15-digit
# first generation (6 region, YYMMDD, 3 sequence).
_ID_CARD = re.compile(
    rf"(?<!\d)[1-9]\d{{5}}(?:(?P<s> ?)(?:19|20)\d\d{_DATE}(?P=s)\d{{3}}[\dXx]|\d\d{_DATE}\d{{3}})(?!\d)", re.ASCII
)
# Plain, or in groups (4-4-4-4, 4-6-5, 4-4-4-4-3) split by one kind of separator.
_CARD = re.compile(
    rf"{_LEFT}(?:\d{{13,19}}|\d{{4,6}}(?P<s>[ -])\d{{1,6}}(?:(?P=s)\d{{1,6}}){{0,4}}+){_RIGHT}", re.ASCII
)
# Digit groups are taken whole (possessive), so nothing backtracks; _accept_international trims the end.
# Card and phone patterns take a bounded number of groups, so a page of digits costs linear time.
_INTERNATIONAL = re.compile(
    r"(?<![0-9A-Za-z_])(?:\(\+[1-9]\d{0,2}\)|\+[1-9]\d*+)(?:[ .-]?(?:\(\d++\)|\d++)){0,7}+", re.ASCII
)
_NATIONAL_PHONE = re.compile(
    # Chinese mobile, optionally 0086/86 first. Letters may touch it ("QQ", "Tel"): the shape says enough.
    r"(?<!\d)(?<![0-9A-Za-z]-)(?:(?:00)?86[ -]?)?1[3-9]\d(?P<m>[ -]?)\d{4}(?P=m)\d{4}(?!\d)"
    # Chinese landline: area code, then 7 or 8 digits.
    rf"|{_LEFT}(?:\({_AREA}\)|{_AREA})[ -]?\d{{3,4}}[ -]?\d{{4}}{_RIGHT}"
    # North American: (415) 555-0100, 415-555-0100, 1-800-555-0100.
    rf"|{_LEFT}(?:1[ .-]?)?(?:\([2-9]\d\d\)[ .-]?\d{{3}}[ .-]|[2-9]\d\d(?P<n>[ .-])\d{{3}}(?P=n))\d{{4}}{_RIGHT}",
    re.ASCII,
)
# Prefixes of the card networks (Mastercard and Mir; Amex, JCB, Diners; Visa; Maestro, Discover, UnionPay;
# RuPay, UnionPay 81). Order numbers and millisecond timestamps start with 1, 7, 9 or 20 and pass Luhn
# one time in ten; the prefix keeps them readable.
_CARD_ISSUER = re.compile(r"2[2-7]|[3-6]|8[12]")
# Provinces, and 71 Taiwan, 81-83 the residence permits of Hong Kong, Macao and Taiwan residents.
_PROVINCES = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66), 71, 81, 82, 83]
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_card_check_digit(first17: str) -> str:
    """The 18th character of a resident ID (GB 11643, ISO 7064 MOD 11-2)."""
    return "10X98765432"[sum(int(ch) * weight for ch, weight in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def luhn_valid(digits: str) -> bool:
    """Whether the last digit is the Luhn check digit of the others, as on payment cards."""
    total = 0
    for position, ch in enumerate(reversed(digits)):
        value = int(ch) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _born(region: str, birth: str) -> bool:
    """A real province and a real birth date, not in the future."""
    try:
        born = date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        return False
    return int(region[:2]) in _PROVINCES and born <= date.today()


def _accept_id_card(match: re.Match[str]) -> int | None:
    number = match.group().replace(" ", "").upper()
    if len(number) == 15:  # no check digit, and the year without its century
        return match.end() if _born(number[:6], "19" + number[6:12]) else None
    valid = _born(number[:6], number[6:14]) and id_card_check_digit(number[:17]) == number[17]
    return match.end() if valid else None


def _cut_short(match: re.Match[str]) -> Iterator[tuple[int, str]]:
    """(end, digits) of the match, then of the match without its last digit group, and so on."""
    chars = match.group()
    while chars:
        yield match.start() + len(chars), chars.translate(_NO_SEPARATORS)
        chars = chars.rstrip("0123456789").rstrip(_SEPARATORS)


def _is_card_number(digits: str) -> bool:
    if not 13 <= len(digits) <= 19:
        return False
    # Some UnionPay cards (62...) do not follow Luhn; a long 62 number is masked on its shape alone.
    return (bool(_CARD_ISSUER.match(digits)) and luhn_valid(digits)) or (digits[:2] == "62" and len(digits) >= 16)


def _accept_card(match: re.Match[str]) -> int | None:
    # A grouped card may run into the next number ("4111 1111 1111 1111 2024"): try shorter ends.
    return next((end for end, digits in _cut_short(match) if _is_card_number(digits)), None)


def _accept_international(match: re.Match[str]) -> int | None:
    # E.164 allows at most 15 digits; whatever follows them belongs to the next number or a date.
    for end, digits in _cut_short(match):
        if len(digits) <= 15:
            return end if len(digits) >= _MIN_DIGITS else None
    return None


def _whole(match: re.Match[str]) -> int | None:
    return match.end()


class _Rule(NamedTuple):
    kind: PiiKind
    pattern: re.Pattern[str]
    accept: Callable[[re.Match[str]], int | None]  # where the accepted match ends, or None
    min_digits: int  # clusters with fewer digits skip the rule: most are dates and amounts
    marker: str = ""  # a character the text around the cluster must hold


# In this order: an ID or card number must not be half-masked as a phone number.
_RULES = (
    _Rule(PiiKind.ID_CARD, _ID_CARD, _accept_id_card, 15),
    _Rule(PiiKind.CARD, _CARD, _accept_card, 13),
    _Rule(PiiKind.PHONE, _INTERNATIONAL, _accept_international, _MIN_DIGITS, "+"),
    _Rule(PiiKind.PHONE, _NATIONAL_PHONE, _whole, 10),
)


def _scan_cluster(text: str, cluster: re.Match[str], digits: int, claims: _Claims) -> None:
    start, end = cluster.start(), cluster.end() + 1  # one more character for the look-aheads
    offset, haystack = 0, text
    if not cluster.group().isascii() or text[end - 1 : end] in ("Ｘ", "ｘ"):
        # Full-width digits or brackets: match on an ASCII copy, with two characters before for the look-behinds.
        offset = max(0, start - 2)
        haystack = text[offset:end].translate(_TO_ASCII)
    for rule in _RULES:
        if digits < rule.min_digits or (rule.marker and haystack.find(rule.marker, start - offset, end - offset) < 0):
            continue
        _scan(rule, haystack, start - offset, end - offset, offset=offset, claims=claims)


def _scan(rule: _Rule, haystack: str, pos: int, endpos: int, *, offset: int, claims: _Claims) -> None:
    while endpos - pos >= _MIN_DIGITS and (match := rule.pattern.search(haystack, pos, endpos)) is not None:
        start = offset + match.start()
        if claims.taken[start]:
            pos = claims.free_from(start) - offset  # skip what an earlier rule took
            continue
        end = rule.accept(match)
        if end is not None and claims.add(rule.kind, start, offset + end):
            pos = end
        else:
            pos = match.start() + 1  # a later digit group may still start a number
