"""The hash chain: sealed entries check out; any change, removal, insertion or reordering is found."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from shared.audit.chain import GENESIS, Break, Change, Entry, Head, canonical_json, entry_hash, seal, verify

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def change(n: int) -> Change:
    return Change(actor=f"agent-{n % 3}", action="update", entity="policy", entity_id=f"p{n}",
                  before={"target_s": n}, after={"target_s": n + 1, "note": "größer"}, at=START + timedelta(minutes=n),
                  request_id=f"req-{n}")


def chain(length: int) -> list[Entry]:
    entries: list[Entry] = []
    for n in range(1, length + 1):
        head = Head(entries[-1].seq, entries[-1].hash) if entries else None
        entries.append(seal(change(n), service="escalation", after_head=head))
    return entries


def head_of(entries: list[Entry]) -> Head:
    return Head(entries[-1].seq, entries[-1].hash)


def _seal_as(after: Entry, seq: int) -> Entry:
    """An entry someone made up and sealed properly onto `after` under number `seq` (the algorithm is no secret)."""
    draft = replace(seal(replace(change(99), actor="intruder"), service="escalation",
                         after_head=Head(after.seq, after.hash)), seq=seq)
    return replace(draft, hash=entry_hash(draft.prev_hash, draft))


def test_entries_are_numbered_and_linked_from_the_genesis_hash():
    entries = chain(3)
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]


def test_an_intact_chain_checks_out():
    entries = chain(5)
    verdict = verify(entries, head_of(entries))
    assert verdict.ok and verdict.checked == 5


def test_an_empty_log_checks_out():
    verdict = verify([], None)
    assert verdict.ok and verdict.checked == 0


def test_the_hash_covers_every_field_and_not_the_key_order():
    entry = chain(1)[0]
    assert entry_hash(GENESIS, replace(entry, after={"note": "größer", "target_s": 2})) == entry.hash
    for field, value in (("actor", "someone"), ("action", "delete"), ("entity", "calendar"), ("entity_id", "p9"),
                         ("before", None), ("after", {"target_s": 3}), ("request_id", None), ("service", "intake"),
                         ("at", START), ("seq", 2)):
        assert entry_hash(GENESIS, replace(entry, **{field: value})) != entry.hash, field


def test_values_are_kept_as_json_gives_them_back():
    entry = seal(replace(change(1), after={"id": UUID(int=1), "amount": Decimal("1.50"), "at": START}),
                 service="routing", after_head=None)
    assert entry.after == {"id": str(UUID(int=1)), "amount": "1.50", "at": str(START)}
    assert '"service":"routing"' in canonical_json(entry)


@pytest.mark.parametrize("field, value", [("actor", "someone-else"), ("after", {"target_s": 0}), ("before", None),
                                          ("at", START - timedelta(days=1)), ("request_id", "forged")])
def test_a_changed_entry_is_found_at_its_number(field, value):
    entries = chain(5)
    entries[2] = replace(entries[2], **{field: value})
    verdict = verify(entries, head_of(entries))
    assert verdict.broken is not None
    assert (verdict.broken.seq, verdict.broken.reason, verdict.checked) == (3, Break.CHANGED, 2)


def test_a_changed_entry_with_a_recomputed_hash_breaks_the_next_link():
    entries = chain(5)
    altered = replace(entries[2], actor="someone-else")
    entries[2] = replace(altered, hash=entry_hash(altered.prev_hash, altered))
    verdict = verify(entries, head_of(entries))
    assert verdict.broken is not None and (verdict.broken.seq, verdict.broken.reason) == (3, Break.CHANGED)


def test_a_deleted_entry_is_found():
    entries = chain(5)
    head = head_of(entries)
    del entries[2]
    verdict = verify(entries, head)
    assert verdict.broken is not None and (verdict.broken.seq, verdict.broken.reason) == (3, Break.DELETED)


def test_a_deleted_first_entry_is_found():
    entries = chain(3)
    verdict = verify(entries[1:], head_of(entries))
    assert verdict.broken is not None and (verdict.broken.seq, verdict.broken.reason) == (1, Break.DELETED)


def test_entries_cut_off_the_end_are_found_through_the_head():
    entries = chain(5)
    verdict = verify(entries[:3], head_of(entries))
    assert verdict.broken is not None and (verdict.broken.seq, verdict.broken.reason) == (4, Break.DELETED)


def test_a_log_emptied_behind_its_head_is_found():
    entries = chain(2)
    verdict = verify([], head_of(entries))
    assert verdict.broken is not None and (verdict.broken.seq, verdict.broken.reason) == (1, Break.DELETED)


def test_an_entry_put_in_between_is_found():
    entries = chain(5)
    entries.insert(3, _seal_as(entries[2], seq=4))
    verdict = verify(entries, head_of(entries))
    assert verdict.broken is not None and (verdict.broken.seq, verdict.broken.reason) == (4, Break.INSERTED)


def test_an_entry_added_past_the_head_is_found():
    entries = chain(3)
    head = head_of(entries)
    entries.append(_seal_as(entries[-1], seq=4))
    verdict = verify(entries, head)
    assert verdict.broken is not None and (verdict.broken.seq, verdict.broken.reason) == (4, Break.INSERTED)


def test_entries_swapped_in_place_are_found():
    entries = chain(5)
    entries[1], entries[2] = replace(entries[2], seq=2), replace(entries[1], seq=3)
    verdict = verify(entries, head_of(entries))
    assert verdict.broken is not None and (verdict.broken.seq, verdict.broken.reason) == (2, Break.CHANGED)


def test_entries_read_out_of_order_are_found():
    entries = chain(5)
    head = head_of(entries)
    entries[1], entries[2] = entries[2], entries[1]
    verdict = verify(entries, head)
    assert verdict.broken is not None and verdict.broken.seq == 2 and verdict.checked == 1


def test_a_head_that_names_another_hash_is_found():
    entries = chain(3)
    verdict = verify(entries, Head(3, "f" * 64))
    assert verdict.broken is not None and (verdict.broken.seq, verdict.broken.reason) == (3, Break.CHANGED)


def test_an_entry_of_the_default_tenant_hashes_as_before_tenants_and_another_tenant_is_sealed_in():
    default, acme = seal(change(1), service="routing", after_head=None), seal(replace(change(1), tenant="acme"),
                                                                              service="routing", after_head=None)
    assert '"tenant"' not in canonical_json(default)
    assert '"tenant":"acme"' in canonical_json(acme) and acme.hash != default.hash
    moved = replace(acme, tenant="globex")

    assert verify([acme], head_of([acme])).ok
    assert verify([moved], head_of([acme])).broken.reason == Break.CHANGED
