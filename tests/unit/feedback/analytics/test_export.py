"""KPI rows as CSV."""

from services.feedback.analytics.export import kpi_csv


def test_one_line_per_row_with_empty_cells_for_missing_values():
    text = kpi_csv([(("web",), {"volume": 3, "fcr_rate": None, "met": True}),
                    (("total",), {"volume": 5, "fcr_rate": 0.5, "met": False})], labels=("channel",))
    assert text.splitlines() == ["channel,volume,fcr_rate,met", "web,3,,true", "total,5,0.5,false"]
