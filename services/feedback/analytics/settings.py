"""Settings of the analytics part of the feedback service, mixed into FeedbackSettings."""

from pathlib import Path

from pydantic import BaseModel, Field, field_validator

REPORT_KINDS = ("weekly", "monthly", "quarterly", "half-yearly")


class AnalyticsSettingsMixin(BaseModel):
    resolution_satisfaction_target: float = Field(
        0.95, ge=0, le=1, description="Target share of survey answers satisfied with the complaint's resolution.")
    hotspot_baseline_days: int = Field(
        28, ge=3, le=365, description="Trailing days whose mean daily count is a value's usual volume (hotspots).")
    hotspot_sigmas: float = Field(
        3.0, gt=0, description="A day is a hotspot above mean + this many √mean (Poisson control limit).")
    hotspot_min_count: int = Field(5, ge=1, description="Fewest complaints in a day that can make a hotspot.")
    hotspot_interval_s: float = Field(300.0, gt=0, description="Seconds between hotspot sweeps.")
    hotspot_lease_s: float = Field(
        120.0, gt=0, description="Lease that makes one replica run a hotspot sweep; another may take the next one.")
    reports_dir: Path = Field(Path("var/reports"), description="Folder the scheduled CX reports are written to.")
    report_periods: str = Field(
        "weekly,monthly,quarterly,half-yearly",
        description="Scheduled CX reports, comma-separated: weekly, monthly, quarterly, half-yearly; empty: none.")
    report_check_s: float = Field(
        3600.0, gt=0, description="Longest sleep of the report job between checks for a finished period.")
    report_lease_s: float = Field(
        900.0, gt=0, description="Lease on writing one period's report; a replica retries it after the lease.")
    action_window_days: int = Field(
        14, ge=1, description="Days before an action's creation and after its completion compared (rate per day).")
    dashboard_refresh_s: int = Field(60, ge=5, description="Seconds between the dashboard's refreshes.")
    terms_top: int = Field(15, ge=1, le=100, description="Terms returned by the root-cause view.")
    terms_topics: int = Field(3, ge=1, le=10, description="NMF topics returned by the root-cause view.")

    @field_validator("report_periods")
    @classmethod
    def _known_periods(cls, value: str) -> str:
        unknown = [k for k in _split(value) if k not in REPORT_KINDS]
        if unknown:
            raise ValueError(f"unknown report period {', '.join(unknown)}; choose from {', '.join(REPORT_KINDS)}")
        return value

    @property
    def report_kinds(self) -> list[str]:
        return _split(self.report_periods)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]
