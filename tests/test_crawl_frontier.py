"""The frontier in the store: enqueue dedup, leasing, recovery after a dead run,
revisit and failure backoff, once-per-run leasing."""

from __future__ import annotations

import pytest

from scraper.crawl.frontier import FAILED_BACKOFF, Frontier, NewURL, failed_backoff, iso
from scraper.store import Store

T0 = 1_700_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "f.db") as s:
        yield s


def frontier(store: Store, clock: Clock) -> Frontier:
    return Frontier(store.conn, store.start_run("crawl"), clock)


def urls(n: int, depth: int = 1) -> list[NewURL]:
    return [NewURL(f"http://x.cn/a{i}.html", depth) for i in range(n)]


def test_enqueue_ignores_known_urls(store):
    f = frontier(store, Clock())
    assert f.enqueue("s", urls(3)) == 3
    assert f.enqueue("s", urls(5)) == 2
    assert store.conn.execute("SELECT count(*) FROM frontier").fetchone()[0] == 5


def test_lease_takes_due_urls_once_per_run(store):
    clock = Clock()
    f = frontier(store, clock)
    f.enqueue("s", urls(5))
    first = f.lease("s", 3)
    assert len(first) == 3 and len(f.lease("s", 10)) == 2 and f.lease("s", 10) == []
    for item in first:
        f.done(item.url, "article", 0)  # due again at once, but not in this run
    assert f.lease("s", 10) == []
    assert len(Frontier(store.conn, store.start_run("crawl"), clock).lease("s", 10)) == 3


def test_recover_requeues_leases_of_a_dead_run(store):
    clock = Clock()
    dead = frontier(store, clock)
    dead.enqueue("s", urls(4))
    dead.lease("s", 4)
    fresh = frontier(store, clock)
    assert fresh.lease("s", 10) == []  # still in_progress
    assert fresh.recover() == 4
    assert len(fresh.lease("s", 10)) == 4
    status = store.conn.execute("SELECT status FROM runs WHERE id = ?", (dead.run_id,)).fetchone()[0]
    assert status == "interrupted"


def test_revisit_intervals_and_failure_backoff(store):
    clock = Clock()
    f = frontier(store, clock)
    f.enqueue("s", urls(3))
    a, b, c = f.lease("s", 3)
    f.done(a.url, "list", 3600)
    f.done(b.url, "article", 30 * 86400)
    f.failed(c.url, "http_500: boom", 30 * 86400)
    due = dict(store.conn.execute("SELECT url, next_fetch_at FROM frontier").fetchall())
    assert due[a.url] == iso(T0 + 3600) and due[b.url] == iso(T0 + 30 * 86400)
    assert due[c.url] == iso(T0 + FAILED_BACKOFF)
    assert [failed_backoff(n, 86400) for n in (1, 2, 3, 6)] == [3600, 7200, 14400, 86400]
    clock.now += 3601
    g = frontier(store, clock)
    assert {i.url for i in g.lease("s", 10)} == {a.url, c.url}
    g.failed(c.url, "http_500: again", 30 * 86400)
    row = store.conn.execute("SELECT attempts, last_error, state FROM frontier WHERE url = ?", (c.url,)).fetchone()
    assert tuple(row) == (2, "http_500: again", "failed")


def test_lease_carries_validators_of_the_stored_page(store):
    from scraper.models import PageRecord

    f = frontier(store, Clock())
    f.enqueue("s", urls(1))
    store.save(PageRecord("http://x.cn/a0.html", status=200, etag='"v1"', last_modified="Mon, 04 Mar 2024 01:30:00 GMT",
                          body=b"<p>x</p>", fetched_at="2024-01-01T00:00:00Z"))
    (item,) = f.lease("s", 1)
    assert (item.etag, item.last_modified) == ('"v1"', "Mon, 04 Mar 2024 01:30:00 GMT")


def test_release_gives_back_unfinished_leases(store):
    f = frontier(store, Clock())
    f.enqueue("s", urls(3))
    f.lease("s", 3)
    assert f.release() == 3
    assert store.conn.execute("SELECT count(*) FROM frontier WHERE state = 'queued'").fetchone()[0] == 3
    assert f.due_count() == 3


def test_urls_of_a_site_no_longer_configured_are_adopted(store):
    clock = Clock()
    old = Frontier(store.conn, store.start_run("crawl"), clock, sites=("old-name",))
    old.enqueue("old-name", urls(2))
    new = Frontier(store.conn, store.start_run("crawl"), clock, sites=("new-name", "other"))
    new.enqueue("new-name", urls(3))
    assert len(new.lease("new-name", 10)) == 3
    other = Frontier(store.conn, store.start_run("crawl"), clock, sites=("new-name", "other"))
    other.enqueue("other", urls(3))  # URLs of a configured site stay where they are
    assert {r[0] for r in store.conn.execute("SELECT DISTINCT site FROM frontier")} == {"new-name"}
