"""Login throttling (issue 13, authentication; issue 14, one truth for both paths): failed logins
are limited per account and per client address on every Redis Anken supports. The embedded
Redis 6.2 of `make run` has no `EXPIRE … NX`; the throttle used it and so counted nothing there."""

from __future__ import annotations

import redis

from anken_projects.auth.login_throttle import ACCOUNT_MAX_FAILURES, WINDOW_S

from .throttle_support import (  # noqa: F401
    PASSWORD,
    add_user,
    fail_logins,
    fresh_email,
    fresh_ip,
    log_in,
    redis62_url_fixture,
    serve_projects,
    throttle_log_fixture,
    throttle_redis_url_fixture,
)


async def test_an_account_answers_429_after_its_failures(service_env, throttle_redis_url, throttle_log):
    async with serve_projects(service_env, fresh_ip(), redis_url=throttle_redis_url) as client:
        user = await add_user(client)
        assert await fail_logins(client, [user.email] * ACCOUNT_MAX_FAILURES) == [401] * ACCOUNT_MAX_FAILURES
        locked = await log_in(client, user.email)  # even the right password waits out the window
        assert locked.status_code == 429, locked.text
        assert 0 < int(locked.headers["retry-after"]) <= WINDOW_S
        assert "email" in locked.json()["detail"]
        # The counter carries the window (set once, by the script), so the lock ends by itself.
        with redis.Redis.from_url(throttle_redis_url) as server:
            keys = list(server.scan_iter(match=f"{service_env['REDIS_NAMESPACE']}:login_failures:*"))
            ttls = [server.ttl(key) for key in keys]
        assert ttls and all(0 < ttl <= WINDOW_S for ttl in ttls)
        # Another account from the same address is unaffected.
        other = await add_user(client)
        assert (await log_in(client, other.email)).status_code == 200
        assert throttle_log.events("error") == [], "Redis answered: no fallback"


async def test_one_address_is_limited_across_many_emails(service_env, throttle_redis_url, throttle_log):
    limit = 6
    attacker, bystander = fresh_ip(), fresh_ip()
    async with serve_projects(service_env, attacker, redis_url=throttle_redis_url, login_ip_max_failures=limit) as client:
        # Each email stays far below its own limit; the address runs out.
        assert await fail_logins(client, [fresh_email() for _ in range(limit)]) == [401] * limit
        user = await add_user(client)
        refused = await log_in(client, user.email)
        assert refused.status_code == 429 and "address" in refused.json()["detail"], refused.text
        assert int(refused.headers["retry-after"]) > 0
    async with serve_projects(service_env, bystander, redis_url=throttle_redis_url, login_ip_max_failures=limit) as client:
        assert (await log_in(client, user.email)).status_code == 200, "another address logs in as usual"


async def test_a_success_clears_the_account_but_not_the_address(service_env, throttle_redis_url):
    limit = 4
    async with serve_projects(service_env, fresh_ip(), redis_url=throttle_redis_url, login_ip_max_failures=limit) as client:
        user = await add_user(client)
        assert await fail_logins(client, [user.email] * 3) == [401] * 3
        assert (await log_in(client, user.email)).status_code == 200
        assert await fail_logins(client, [fresh_email()]) == [401]
        # 4 failures from the address: a valid login did not launder the first three.
        assert (await log_in(client, user.email)).status_code == 429


async def test_a_forged_forwarded_for_header_does_not_move_the_client(service_env, throttle_redis_url):
    limit = 3
    async with serve_projects(service_env, fresh_ip(), redis_url=throttle_redis_url, login_ip_max_failures=limit) as client:
        forged = [{"X-Forwarded-For": fresh_ip()} for _ in range(limit)]
        statuses = [(await fail_logins(client, [fresh_email()], headers))[0] for headers in forged]
        assert statuses == [401] * limit
        again = await fail_logins(client, [fresh_email()], {"X-Forwarded-For": fresh_ip()})
        assert again == [429], "without TRUSTED_PROXIES the direct peer is the client"


async def test_behind_a_trusted_proxy_the_forwarded_client_counts(service_env, throttle_redis_url):
    limit = 3
    proxy = fresh_ip()
    async with serve_projects(service_env, proxy, redis_url=throttle_redis_url, login_ip_max_failures=limit,
                              trusted_proxies=f"{proxy}/32") as client:
        attacker, other = {"X-Forwarded-For": f"10.1.1.1, {fresh_ip()}"}, {"X-Forwarded-For": fresh_ip()}
        assert await fail_logins(client, [fresh_email() for _ in range(limit)], attacker) == [401] * limit
        assert await fail_logins(client, [fresh_email()], attacker) == [429]
        # The proxy's other clients are not held up by one of them.
        assert await fail_logins(client, [fresh_email()], other) == [401]


async def test_guesses_sent_in_parallel_cannot_pass_the_limit_together(service_env, throttle_redis_url, throttle_log):
    """Each attempt is counted before the slow password check: 30 guesses at once get at most the limit's
    worth of answers, the rest 429 (before, all 30 passed the check while their hashes ran)."""
    import asyncio

    async with serve_projects(service_env, fresh_ip(), redis_url=throttle_redis_url) as client:
        user = await add_user(client)
        answers = await asyncio.gather(*(log_in(client, user.email, "definitely-wrong") for _ in range(30)))
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses.count(401) == ACCOUNT_MAX_FAILURES, statuses
        assert statuses.count(429) == 30 - ACCOUNT_MAX_FAILURES, statuses


async def test_a_right_password_gives_the_address_its_attempt_back(service_env, throttle_redis_url, throttle_log):
    limit = 4
    async with serve_projects(service_env, fresh_ip(), redis_url=throttle_redis_url,
                              login_ip_max_failures=limit) as client:
        users = [await add_user(client) for _ in range(limit + 2)]
        for user in users:  # many good logins from one office address use up nothing
            assert (await log_in(client, user.email)).status_code == 200
        assert await fail_logins(client, [fresh_email() for _ in range(limit)]) == [401] * limit
        assert (await log_in(client, users[0].email)).status_code == 429
