"""Weekly schedules in the agent's time zone."""

from datetime import UTC, datetime, timedelta

import pytest

from services.routing.org.schedule import BadSchedule, check_schedule, on_duty

WEDNESDAY_NOON_UTC = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def test_an_empty_schedule_is_always_on_duty():
    assert on_duty({}, "UTC", WEDNESDAY_NOON_UTC)


def test_hours_are_read_in_the_agents_time_zone():
    office = {"wed": [["09:00", "17:00"]]}
    assert on_duty(office, "UTC", WEDNESDAY_NOON_UTC)
    assert not on_duty(office, "Asia/Shanghai", WEDNESDAY_NOON_UTC)  # 20:00 in Shanghai


def test_a_night_shift_runs_past_midnight():
    night = {"tue": [["20:00", "08:00"]]}
    assert on_duty(night, "UTC", datetime(2026, 3, 4, 7, 59, tzinfo=UTC))
    assert not on_duty(night, "UTC", datetime(2026, 3, 4, 8, 0, tzinfo=UTC))
    assert on_duty(night, "UTC", datetime(2026, 3, 3, 23, 0, tzinfo=UTC))


def test_the_whole_day():
    assert on_duty({"wed": [["00:00", "24:00"]]}, "UTC", datetime(2026, 3, 4, 23, 59, tzinfo=UTC))


@pytest.mark.parametrize(("schedule", "zone"), [({"wednesday": []}, "UTC"), ({"wed": [["9", "17"]]}, "UTC"),
                                                 ({"wed": [["09:00"]]}, "UTC"), ({}, "Mars/Olympus")])
def test_bad_schedules_are_refused(schedule, zone):
    with pytest.raises(BadSchedule):
        check_schedule(schedule, zone)


def test_the_demo_organisation_has_someone_on_duty_in_every_team_at_every_hour():
    from services.routing.org import demo

    for hour in range(24 * 7):
        at = datetime(2026, 3, 2, tzinfo=UTC) + timedelta(hours=hour)
        for team_id, *_ in demo.TEAMS:
            staff = [a for a in demo.agents(at) if a["team_id"] == team_id and a["role"] == "agent"]
            assert any(on_duty(a["schedule"], a["timezone"], at) for a in staff), (team_id, at)
