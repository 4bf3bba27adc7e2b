import pytest
from tests.api.conftest import submission, submit
pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urlconf")]
def test_x(client, service, token_for):
    code = submit(client, service, submission()).json()["tracking_code"]
    h = token_for("officer")
    for a in ("verify", "start", "complete"):
        r = client.post(f"/api/v1/officer/applications/{code}/{a}", headers=h)
        print(r.status_code, r.content[:300])
    assert 0
