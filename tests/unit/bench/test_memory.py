import os

from bench.memory import memory_kib, mib, read_memory

STATUS = """Name:\tpython
VmPeak:\t  900000 kB
VmHWM:\t  123456 kB
VmRSS:\t  100000 kB
Threads:\t4
"""


def test_rss_and_high_water_mark_are_read_in_kib() -> None:
    assert memory_kib(STATUS) == {"VmRSS": 100000, "VmHWM": 123456}


def test_a_status_without_memory_lines_gives_nothing() -> None:
    assert memory_kib("Name:\tkthreadd\nState:\tS (sleeping)\n") == {}


def test_this_process_has_resident_memory_below_its_high_water_mark() -> None:
    found = read_memory(os.getpid())

    assert 0 < found["VmRSS"] <= found["VmHWM"]


def test_kib_become_mib_with_one_decimal() -> None:
    assert mib(1536) == 1.5
