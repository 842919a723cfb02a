"""schemathesis against /api/v1/openapi.json, authenticated as a county officer with a personal access token.

Every operation gets 100 generated requests (positive and negative data, deterministic), all of schemathesis's
checks — server errors, status codes, content types, response headers and schemas, rejection of invalid
data, acceptance of valid data, required headers, unsupported methods, ignored authentication — and none may
fail. The officer of county A works on the small city of ``xiaoan.orgs.testing`` (plus county-A records of
every module), so generated ids hit real rows of both counties.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from .authz_matrix import ROUTES
from .targets import (
    asset,
    drill,
    education_activity,
    hazard,
    published_letter,
    pupil,
    risk_point,
    seed_county_b_canaries,
    training_session,
)

EXAMPLES = 100

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
    checks.positive_data_acceptance,
    checks.missing_required_header,
    checks.unsupported_method,
    checks.use_after_free,
    checks.ensure_resource_availability,
    checks.ignored_auth,
]


@pytest.fixture
def api_schema(officer_token):
    """The schema served by the real WSGI application; like Django's test client, requests do not close the
    test's database connection at their end (that would end the test transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from xiaoan.config.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def officer_token(mcity):
    from xiaoan.accounts.services import token_create

    for build in (risk_point, hazard(), asset, drill, education_activity, training_session, pupil, published_letter):
        build(mcity)
    seed_county_b_canaries(mcity)
    user = mcity.county_a_officer
    _token, plaintext = token_create(user=user, membership=user.active_membership, name="schemathesis")
    return plaintext


OPERATIONS = [key for key in ROUTES if ROUTES[key].is_api]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_the_api_survives_generated_requests(api_schema, officer_token, operation):
    method, path = operation.split(" ", 1)
    strategy = api_schema[path][method].as_strategy()
    headers = {"Authorization": f"Bearer {officer_token}"}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def generated(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    generated()
