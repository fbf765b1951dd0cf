"""When Redis cannot be reached the login throttle does not fail open: it says so at error level
and refuses logins beyond a conservative limit counted in the process (per account and per address)."""

from __future__ import annotations

from anken_projects.auth.login_throttle import FALLBACK_ACCOUNT_MAX_FAILURES

from .throttle_support import (  # noqa: F401
    add_user,
    fail_logins,
    fresh_email,
    fresh_ip,
    log_in,
    serve_projects,
    throttle_log_fixture,
    unreachable_redis_url,
)


async def test_without_redis_an_account_is_still_limited_and_the_outage_logged(service_env, throttle_log):
    async with serve_projects(service_env, fresh_ip(), redis_url=unreachable_redis_url()) as client:
        user = await add_user(client)
        assert (await log_in(client, user.email)).status_code == 200, "logins still work while Redis is down"
        n = FALLBACK_ACCOUNT_MAX_FAILURES
        assert await fail_logins(client, [user.email] * n) == [401] * n
        refused = await log_in(client, user.email)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0, refused.text
    errors = throttle_log.events("error")
    assert errors and set(errors) == {"login_throttle_redis_unavailable"}
    # Logged when Redis fails, then not retried for a few seconds: not one line and one timeout per login.
    assert len(errors) < n + 2


async def test_without_redis_an_address_is_still_limited_across_emails(service_env, throttle_log):
    ip_limit = 20  # the in-process limit is half of it
    async with serve_projects(service_env, fresh_ip(), redis_url=unreachable_redis_url(),
                              login_ip_max_failures=ip_limit) as client:
        statuses = await fail_logins(client, [fresh_email() for _ in range(ip_limit // 2 + 1)])
        assert statuses == [401] * (ip_limit // 2) + [429]
    assert "login_throttle_redis_unavailable" in throttle_log.events("error")
