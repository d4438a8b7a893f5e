from portail_famille.comptes.throttle import LIMIT, WINDOW, Throttle, keys


def test_blocks_after_the_limit_and_cools_down():
    guard = Throttle()
    k = keys("Jean.Dupont ", "192.0.2.1")
    assert k == ("login:jean.dupont", "addr:192.0.2.1")
    for i in range(LIMIT - 1):
        guard.fail(k, now=1000 + i)
    assert guard.wait(k, now=1010) == 0
    guard.fail(k, now=1010)
    wait = guard.wait(k, now=1011)
    # Until the oldest of the last LIMIT failures leaves the window.
    assert wait == 1000 + WINDOW - 1011 + 1
    assert guard.wait(k, now=1000 + WINDOW + 1) == 0


def test_old_failures_do_not_count():
    guard = Throttle()
    k = ("login:x",)
    for i in range(LIMIT):
        guard.fail(k, now=i)
    assert guard.wait(k, now=WINDOW + LIMIT) == 0
    guard.fail(k, now=WINDOW + LIMIT)
    assert len(guard.failures["login:x"]) == 1  # pruned on write


def test_forget_clears_one_key():
    guard = Throttle()
    guard.fail(("a", "b"), now=1)
    guard.forget("a")
    assert "a" not in guard.failures and "b" in guard.failures
