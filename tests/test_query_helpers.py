"""The query-count helpers refuse to count failed requests (issue 14): three 500s in a row
run the same number of queries, which once passed for "constant in N"."""

from __future__ import annotations

import pytest
from django.http import HttpResponse

from planportal.models import Organization
from tests.queries import assert_constant_queries, count_queries

pytestmark = pytest.mark.django_db


def server_error() -> HttpResponse:
    Organization.objects.count()
    return HttpResponse("Server Error", status=500)


def ok() -> HttpResponse:
    Organization.objects.count()
    return HttpResponse("ok")


def test_count_queries_fails_on_a_500():
    with pytest.raises(AssertionError, match="answered 500, not 200"):
        count_queries(server_error)


def test_assert_constant_queries_fails_on_three_500s_in_a_row():
    with pytest.raises(AssertionError, match="answered 500, not 200"):
        assert_constant_queries(lambda n: None, server_error)


def test_a_500_from_a_real_view_fails_the_count(world, client, monkeypatch):
    from actions.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("the view is broken")

    monkeypatch.setattr(views.ActionViewSet, "list", broken)
    client.raise_request_exception = False
    client.force_login(world.reader)
    with pytest.raises(AssertionError, match="answered 500"):
        assert_constant_queries(lambda n: None, lambda: client.get("/api/v1/actions/"))


def test_a_counted_call_that_returns_no_response_fails():
    with pytest.raises(AssertionError, match="not a response"):
        count_queries(lambda: Organization.objects.count())


def test_a_successful_request_is_counted():
    assert count_queries(ok) == 1
    assert assert_constant_queries(lambda n: None, ok) == 1


def test_the_expected_status_can_be_another_one():
    assert count_queries(server_error, expected=500) == 1
    with pytest.raises(AssertionError, match="answered 200, not 302"):
        count_queries(ok, expected=302)


def test_a_call_that_is_not_a_request_is_counted_with_expected_none():
    assert count_queries(lambda: Organization.objects.count(), expected=None) == 1
