"""The web shell: public pages, protection of staff pages, language, health check, weight."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

import melayani
from melayani.core import views
from melayani.core.models import User
from tests.conftest import World

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    reverse("core:public-home"),
    reverse("core:login"),
    reverse("core:pemda-list"),
    reverse("core:pemda-detail", args=["93.01"]),
    reverse("healthz"),
]
STAFF_URLS = [
    reverse("core:home"),
    reverse("core:two-factor"),
    reverse("core:two-factor-setup"),
    reverse("audit:event-list"),
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_are_reachable_anonymously(
    client: Client, reference_data: None, url: str
) -> None:
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_redirect_to_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('core:login')}?next=")


@pytest.mark.usefixtures("indonesian_default")
def test_base_shell_landmarks_and_components(client: Client) -> None:
    html = client.get(reverse("core:public-home")).content.decode()
    assert '<html lang="id">' in html
    assert 'class="skip-link" href="#content"' in html
    assert '<main id="content"' in html
    assert f'action="{reverse("set_language")}"' in html
    assert "django_htmx/htmx" in html  # progressive enhancement only
    assert "http://" not in html.replace("http://www.w3.org", "")  # no third-party request
    assert "https://" not in html


def test_public_home_weighs_under_100_kb(client: Client) -> None:
    from pathlib import Path

    from django.contrib.staticfiles import finders

    html = client.get(reverse("core:public-home")).content
    assets = [str(finders.find(a)) for a in ("melayani/site.css", "django_htmx/htmx-2.min.js")]
    total = len(html) + sum(Path(a).stat().st_size for a in assets)
    assert total < 100 * 1024, total  # uncompressed; with gzip about 22 KB


@pytest.mark.usefixtures("indonesian_default")
def test_indonesian_by_default_english_after_switching(client: Client) -> None:
    home = reverse("core:public-home")
    first = client.get(home)
    assert first["Content-Language"] == "id"
    assert b'<html lang="id">' in first.content
    switched = client.post(reverse("set_language"), {"language": "en", "next": home})
    assert switched.status_code == 302
    assert switched["Location"] == home
    after = client.get(home)
    assert after["Content-Language"] == "en"
    assert b'<html lang="en">' in after.content
    # The switcher now offers the way back, labelled in its own language.
    assert b'lang="id"' in after.content


@pytest.mark.usefixtures("indonesian_default")
def test_browser_language_does_not_override_the_default(client: Client, settings: object) -> None:
    middleware = list(settings.MIDDLEWARE)  # type: ignore[attr-defined]
    ours = "melayani.core.middleware.DefaultLanguageMiddleware"
    if ours not in middleware:
        middleware.insert(middleware.index("django.middleware.locale.LocaleMiddleware"), ours)
        settings.MIDDLEWARE = middleware  # type: ignore[attr-defined]
    response = client.get(reverse("core:public-home"), headers={"accept-language": "en-US,en"})
    assert response["Content-Language"] == "id"


def test_healthz_reports_ok(client: Client) -> None:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "version": melayani.__version__}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_a_database_failure(client: Client) -> None:
    broken = mock.MagicMock()
    broken.cursor.side_effect = OperationalError("connection refused")
    with mock.patch.object(views, "connection", broken):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "error",
        "version": melayani.__version__,
    }


def test_unknown_page_is_a_friendly_404(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b'<main id="content"' in response.content


def test_home_shows_role_links(client: Client, world: World) -> None:
    from tests.core.web_factories import sign_in_verified

    client.force_login(world["leader"])
    html = client.get(reverse("core:home")).content.decode()
    assert "Regional leader" in html
    assert reverse("core:pemda-detail", args=["93.01"]) in html
    assert reverse("audit:event-list") not in html
    assert reverse("admin:index") not in html

    client.logout()
    sign_in_verified(client, world["inspector"])
    html = client.get(reverse("core:home")).content.decode()
    assert reverse("audit:event-list") in html
    assert reverse("admin:index") not in html

    client.logout()
    sign_in_verified(client, world["platform_admin"])
    html = client.get(reverse("core:home")).content.decode()
    assert reverse("admin:index") in html


def test_home_shows_acting_assignments(client: Client, world: World) -> None:
    from tests.core.factories import UserFactory, assign

    acting_head: User = UserFactory(username="acting_head")  # type: ignore[assignment]
    assign(acting_head, "opd_head", opd=world.dinkes, acting="plt")
    client.force_login(acting_head)
    html = client.get(reverse("core:home")).content.decode()
    assert "Plt (acting holder)" in html
    assert world.dinkes.name in html


def test_citizen_home_has_no_roles(client: Client, world: World) -> None:
    client.force_login(world["citizen"])
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert "You have no role" in response.content.decode()


def test_language_choice_is_remembered_on_the_account(world) -> None:
    from django.conf import settings
    from django.test import Client

    user = world["officer"]
    client = Client()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/home/"})
    user.refresh_from_db()
    assert user.preferred_language == "en"
    fresh = Client()
    response = fresh.post(
        "/login/", {"username": user.username, "password": "correct-horse-battery"}
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
