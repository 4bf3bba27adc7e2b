import datetime

import pytest

from melayani.core import metrics


def test_registered_metric_is_computed_by_name() -> None:
    def compute(pemda_id: int, start: datetime.date, end: datetime.date) -> metrics.MetricValue:
        return metrics.MetricValue(
            name="test.share",
            pemda_id=pemda_id,
            period_start=start,
            period_end=end,
            value=50,
            numerator=1,
            denominator=2,
            source="test",
        )

    metric = metrics.Metric(name="test.share", label="Share", unit="percent", compute=compute)
    metrics.register(metric)
    metrics.register(metric)  # the same registration twice is harmless
    try:
        value = metrics.compute(
            "test.share",
            pemda_id=3,
            start=datetime.date(2026, 1, 1),
            end=datetime.date(2026, 3, 31),
        )
        assert (value.pemda_id, value.value, value.denominator) == (3, 50, 2)
        assert "test.share" in metrics.names()
        with pytest.raises(ValueError):
            metrics.register(metrics.Metric("test.share", "Other", "count", lambda *a: value))
        with pytest.raises(ValueError):
            metrics.compute(
                "test.share",
                pemda_id=3,
                start=datetime.date(2026, 2, 1),
                end=datetime.date(2026, 1, 1),
            )
    finally:
        metrics._registry.pop("test.share")
