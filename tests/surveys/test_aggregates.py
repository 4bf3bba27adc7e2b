"""Incremental aggregates == recompute from the answers, after random sequences of submissions."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from melayani.surveys import selectors, services
from melayani.surveys.computation import Tally, skm_score
from melayani.surveys.instrument import CODES
from melayani.surveys.models import SkmAggregate, SurveyResponse
from melayani.surveys.periods import Period
from tests.catalog.factories import ServiceTypeFactory
from tests.conftest import World

pytestmark = pytest.mark.django_db

answer = st.one_of(st.none(), st.integers(min_value=1, max_value=4))
answers = st.fixed_dictionaries(dict.fromkeys(CODES, answer)).filter(
    lambda a: any(v is not None for v in a.values())
)
step = st.tuples(
    st.sampled_from(["kiosk", "paper", "import"]),
    st.integers(min_value=0, max_value=2),  # which service
    st.integers(min_value=0, max_value=400),  # days ago (spans several quarters)
    st.lists(answers, min_size=1, max_size=4),
)


class _Rollback(Exception):
    pass


def _csv(rows: list[dict[str, int | None]], day: dt.date) -> io.BytesIO:
    lines = [",".join([*CODES, "filled_on"])]
    for row in rows:
        lines.append(",".join(["" if row[c] is None else str(row[c]) for c in CODES] + [str(day)]))
    return io.BytesIO(("\n".join(lines) + "\n").encode())


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=8))
def test_aggregates_equal_recompute(survey_actions: World, steps: list[Any]) -> None:
    w = survey_actions
    try:
        with transaction.atomic():
            svc = [ServiceTypeFactory(opd=opd) for opd in (w.dukcapil, w.dukcapil, w.dinkes)]
            today = timezone.localdate()
            for channel, which, days_ago, batch in steps:
                service, day = svc[which], today - dt.timedelta(days=days_ago)
                if channel == "import":
                    report = services.responses_import(
                        actor=w["platform_admin"], service=service, file=_csv(batch, day)
                    )
                    assert report.ok, report.errors
                    continue
                for a in batch:
                    if channel == "kiosk":
                        services.response_submit_kiosk(service=service, answers=a)
                    else:
                        services.response_enter_paper(
                            actor=w["platform_admin"], service=service, answers=a, filled_on=day
                        )
            check = services.aggregates_recompute(check_only=True)
            assert check.ok, check.mismatch
            assert check.responses == SurveyResponse.objects.count()
            # The selector (aggregates) equals the computation over the raw answers.
            for period in {
                Period.containing(today - dt.timedelta(days=d), "year") for d in (0, 400)
            }:
                raw = SurveyResponse.objects.filter(
                    pemda=w.merauke, quarter_start__in=period.quarter_starts
                )
                expected = skm_score(Tally.of(r.answers() for r in raw))
                assert selectors.skm_result(pemda=w.merauke, period=period).score == expected
            stored = list(SkmAggregate.objects.order_by("pk").values())
            services.aggregates_recompute()
            rebuilt = list(SkmAggregate.objects.order_by("opd_id", "service_id").values())
            key = ("opd_id", "service_id", "quarter_start", "n", "sum_u1", "cnt_u9")
            assert sorted(tuple(r[k] for k in key) for r in stored) == sorted(
                tuple(r[k] for k in key) for r in rebuilt
            )
            raise _Rollback
    except _Rollback:
        pass


def test_recompute_command_names_the_first_mismatch(survey_actions: World, service: Any) -> None:
    services.response_submit_kiosk(service=service, answers={"U1": 3, "U2": 4})
    out = io.StringIO()
    call_command("skm_recompute", "--check", stdout=out)
    assert "OK: 1 aggregate match 1 response" in out.getvalue()
    SkmAggregate.objects.update(sum_u2=7)
    with pytest.raises(
        CommandError, match=r"service \d+, quarter .*: sum_u2 stored 7, from the answers 4"
    ):
        call_command("skm_recompute", "--check", stdout=io.StringIO())
    call_command("skm_recompute", stdout=out)
    assert SkmAggregate.objects.get().sum_u2 == 4
    SkmAggregate.objects.all().delete()
    with pytest.raises(CommandError, match="n stored None, from the answers 1"):
        call_command("skm_recompute", "--check", stdout=io.StringIO())


def test_dashboard_reads_are_constant_in_queries(
    survey_actions: World, service: Any, django_assert_max_num_queries: Any
) -> None:
    w = survey_actions
    for _ in range(5):
        services.response_submit_kiosk(service=service, answers=dict.fromkeys(CODES, 3))
    period = Period.containing(timezone.localdate())
    with django_assert_max_num_queries(6):
        assert selectors.skm_result(opd=w.dukcapil, period=period).n == 5
    with django_assert_max_num_queries(6):
        assert len(selectors.skm_results_by_unit(pemda=w.merauke, period=period)) == 1


@pytest.mark.parametrize("threshold", [0, 5000])
def test_rebuild_from_empty_and_after_damage(
    survey_actions: World, service: Any, monkeypatch: pytest.MonkeyPatch, threshold: int
) -> None:
    from melayani.surveys import aggregates

    monkeypatch.setattr(aggregates, "BULK_THRESHOLD", threshold)
    other = ServiceTypeFactory(opd=survey_actions.dinkes)
    for svc in (service, other, other):
        services.response_submit_kiosk(service=svc, answers={"U1": 2, "U5": 3})
    good = sorted(SkmAggregate.objects.values_list("service_id", "n", "sum_u1", "cnt_u5"))
    SkmAggregate.objects.filter(service=other).update(n=9, sum_u1=0)
    SkmAggregate.objects.filter(service=service).delete()
    stray = SkmAggregate.objects.create(
        pemda=survey_actions.merauke,
        opd=survey_actions.dukcapil,
        service=service,
        quarter_start=dt.date(2001, 1, 1),
        n=3,
    )
    assert not services.aggregates_recompute(check_only=True).ok
    report = services.aggregates_recompute()
    assert (report.buckets, report.responses) == (2, 3)
    assert not SkmAggregate.objects.filter(pk=stray.pk).exists()
    assert sorted(SkmAggregate.objects.values_list("service_id", "n", "sum_u1", "cnt_u5")) == good
    assert services.aggregates_recompute(check_only=True).ok
