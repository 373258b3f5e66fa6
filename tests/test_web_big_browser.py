"""A lecture hall of 1,000 nodes on the web page, in a real headless Chromium (issue 22): the live
teacher's page of a synthetic session (the supervisor's own core, web/synthetic.py) shows the
summary (counts, next in line, the readings' spread) and draws only the leader, the next in line
and the nodes not fine; a click on one of those still opens its menu and sends the command. A
recording of it, in Spanish, replays to the same picture. Skipped where there is no browser."""

import pytest

from cluster_sim.engine.digest import digest, status
from cluster_sim.web import WebView
from cluster_sim.web.recording import WebRecorder
from cluster_sim.web.teacher import teacher_key
from test_view_big import NOW, UPSET, WORST_FIRST, hall
from test_web_browser import by_id, dom_wait
from web_support import headless_browser, page_errors

T_UPSET = NOW - 2.1        # hall() upsets its six nodes at T0 + 3.5


@pytest.fixture(scope="module")
def browser():
    with headless_browser() as driver:      # one Chromium for both tests: the suite's time is shared
        yield driver


def drawn(driver):
    return [g.get_attribute("data-id") for g in driver.find_elements("css selector", "g.node")]


def counts(driver):
    return {li.get_attribute("data-condition"): li.text
            for li in driver.find_elements("css selector", "#big-counts li[data-condition]")}


def test_the_teacher_page_of_1000_nodes_shows_the_summary_and_draws_only_what_is_not_fine(browser):
    state = hall("en")
    d = digest(state, NOW)
    snapshot = status(state, NOW, log=False)
    asked = []

    def control(request):
        asked.append(request)
        return {"ok": True, "message": f"node {request.get('id')} resumed"}

    view = WebView("127.0.0.1", 0, snapshot=lambda: snapshot, lang="en", clock=lambda: NOW,
                   control=control, key=teacher_key(None)).start()
    try:
        browser.get(view.teacher_url)
        dom_wait(browser, lambda b: b.find_element("tag name", "body").get_attribute("data-ready"), 15, "the stream")
        dom_wait(browser, lambda b: by_id(b, "big").get_attribute("data-not-fine") == "6", 10, "the summary")
        expected = ["1", "2", "3", "4"] + WORST_FIRST          # the leader, the next in line, the not fine
        dom_wait(browser, lambda b: drawn(b) == expected, 10, f"nodes {expected} drawn, no other")
        assert by_id(browser, "big").get_attribute("data-nodes") == "1000"
        assert by_id(browser, "leader").get_attribute("data-node") == "1"
        assert by_id(browser, "big-next").text == "Next: 1 ★ → 2 → 3 → 4 → … (999 in the election)"
        assert by_id(browser, "big-counts").find_element("css selector", "li.total").text == "1,000 in all"
        assert counts(browser) == {"publishing": "994 publishing", "no_api": "1 cannot reach the API",
                                   "slow": "1 slow", "partitioned": "1 cut off", "paused": "1 paused",
                                   "stopped": "1 stopped", "crashed": "1 crashed"}
        r = d.readings
        assert by_id(browser, "big-spread").text == (
            f"997 fresh · min {r.low:.2f} · median {r.median:.2f} · max {r.high:.2f}")
        bins = [int(b.get_attribute("data-count")) for b in browser.find_elements("css selector", "#big-hist rect.bin")]
        assert bins == list(r.bins)
        assert "+990 more, not drawn" in by_id(browser, "big-drawn").text
        # each drawn node as it is: paused, crashed, cut off
        state_of = {g.get_attribute("data-id"): g.get_attribute("data-state")
                    for g in browser.find_elements("css selector", "g.node")}
        assert (state_of["17"], state_of["230"], state_of["1000"]) == ("paused", "crashed", "stopped")
        assert "partitioned" in browser.find_element("css selector", 'g.node[data-id="404"]').get_attribute(
            "data-faults")
        assert "cannot reach the API" in browser.find_element("css selector", 'g.node[data-id="512"]').text
        # the teacher's controls on a node not fine: its menu, and the command sent
        browser.find_element("css selector", 'g.node[data-id="17"] circle.body').click()
        dom_wait(browser, lambda b: by_id(b, "menu").get_attribute("data-node") == "17", 5, "node 17's menu")
        by_id(browser, "menu").find_element("css selector", 'button[data-act="resume"]').click()
        dom_wait(browser, lambda b: by_id(b, "answer").get_attribute("data-ok") == "1", 10, "the answer")
        assert asked == [{"cmd": "resume", "id": "17", "via": "page"}]
        assert by_id(browser, "answer").text == "node 17 resumed"
        # "add node" knows the hall's highest id though the page holds 10 rows
        assert "1001" in browser.find_element("css selector", 'button[data-act="add-node"]').text
        assert not page_errors(browser), page_errors(browser)
    finally:
        view.close()


def test_a_recording_of_1000_nodes_in_spanish_replays_to_the_summary(browser, tmp_path):
    state = hall("es")
    path = tmp_path / "aula.html"
    clock = [NOW - 1.5]
    recorder = WebRecorder(str(path), title="clustersim · aula", lang="es", clock=lambda: clock[0])
    for t in (NOW - 1.5, NOW - 1.0, NOW - 0.5, NOW):
        clock[0] = t
        recorder.offer_snapshot(status(state, t, log=False), t)
    recorder.close()
    browser.get(f"file://{path}")
    dom_wait(browser, lambda b: by_id(b, "player").get_attribute("data-frames") == "4", 10, "the recording")
    browser.execute_script("window.clustersimReplay.end()")
    dom_wait(browser, lambda b: b.find_element("tag name", "body").get_attribute("data-ended") == "1", 5, "the end")
    dom_wait(browser, lambda b: drawn(b) == ["1", "2", "3", "4"] + WORST_FIRST, 10, "the drawn nodes")
    assert by_id(browser, "h-big").text == "El clúster de un vistazo"
    assert counts(browser)["publishing"] == "994 publicando" and counts(browser)["paused"] == "1 congelado"
    assert "(999 en la elección)" in by_id(browser, "big-next").text
    assert by_id(browser, "big-spread").text.startswith("997 recientes · mín ")
    assert not page_errors(browser), page_errors(browser)
    assert set(UPSET) <= set(drawn(browser))
