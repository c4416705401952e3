"""The API tested by a tool that reads its schema: schemathesis loads ``/api/schema/``
from a live server and sends what the schema allows, and what it does not, to every
operation, as a person with a read-and-write token (and as HR, for HR's figures). No
answer may be a 5xx, and every answer must be what the schema says (status code,
content type, headers, body)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.tests.conftest import bearer

# Enough to reach every operation's branches, few enough for the suite's minutes.
EXAMPLES = 10
# Every check schemathesis has but one: that whatever the schema allows is accepted. The
# services refuse by rules the schema cannot say, which depend on the moment (a meeting
# that is over, a request already waiting for an answer): a 400 with the reason, as on
# the pages. Everything else (no 5xx, status codes, content types, headers, bodies,
# data the schema does not allow refused, 401 without a token) is checked.
LEFT_OUT = [positive_data_acceptance]


@pytest.fixture
def served_schema(live_server, transactional_db, settings):
    settings.API_RATE_LIMIT = settings.API_ANONYMOUS_RATE_LIMIT = "100000/minute"
    return schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")


# HR's own endpoint as HR; everything as an employee (HR's other answers are theirs too).
ROLES = {"employee": lambda path: True, "hr": lambda path: path.startswith("/api/v1/reports/")}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("role", ROLES)
def test_the_api_keeps_to_its_schema(request, served_schema, scenario, live_server, role, mode):
    headers = bearer(request.getfixturevalue(role))
    operations = [result.ok() for result in served_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in [operation for operation in operations if ROLES[role](operation.path)]:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def keeps_to_schema(case):
            case.call_and_validate(
                base_url=live_server.url, headers=headers, excluded_checks=LEFT_OUT
            )

        keeps_to_schema()
