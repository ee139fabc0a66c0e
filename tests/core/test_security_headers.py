"""The probe headers with DEBUG off (the test settings): CSP without inline scripts, HSTS on
HTTPS, cookie flags as docs/privacy.md says."""

from django.urls import reverse

from tests import factories


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def test_every_page_has_a_content_security_policy_without_inline_script(client, db):
    for url in (reverse("core:home"), reverse("accounts:login")):
        directives = _directives(client.get(url))
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["default-src"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["object-src"] == ["'none'"]
        assert not any("unsafe" in value for values in directives.values() for value in values)


def test_signed_in_pages_and_redirects_carry_the_policy_too(client, world):
    client.force_login(world.participant)
    assert "Content-Security-Policy" in client.get(reverse("core:home"))
    assert "Content-Security-Policy" in client.get(reverse("communities:programme_list"))


def test_https_answers_carry_hsts_for_a_year(client, db):
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"


def test_other_protective_headers(client, db):
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_http_only(client, db):
    user = factories.UserFactory()
    page = client.get(reverse("accounts:login"))
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"

    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": factories.PASSWORD}
    )
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["max-age"] == 12 * 3600


def test_production_settings_make_cookies_secure_and_send_hsts(monkeypatch):
    import importlib

    import leerkring.settings as production

    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.delenv("SECURE_COOKIES", raising=False)
    monkeypatch.delenv("HSTS_SECONDS", raising=False)
    reloaded = importlib.reload(production)
    try:
        assert reloaded.SESSION_COOKIE_SECURE is True
        assert reloaded.CSRF_COOKIE_SECURE is True
        assert reloaded.CSRF_COOKIE_HTTPONLY is True
        assert reloaded.SECURE_HSTS_SECONDS == 31536000
        assert reloaded.SESSION_COOKIE_AGE == 12 * 3600
    finally:
        monkeypatch.undo()
        importlib.reload(production)
