"""The live view's top: the demo's narration, the header (leader, mean, API, outbox, ZooKeeper) and the ensemble row.

    from cluster_sim.presentation.view_header import _header, _narration
    _header(state, now, Layout(width=80))    # a rich renderable

Pure functions of ClusterState, as the rest of the view (view.py fits them to a terminal).
"""

import re
from typing import List, Optional, Sequence, Tuple

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from cluster_sim.words.labels import label, plural, word
from cluster_sim.engine.state import ClusterState
from cluster_sim.presentation.cost_words import cost_line, recipe_name
from cluster_sim.presentation.view_common import ALIVE, Layout, _lag, _lang, _measure, _num, _s, clock, format_duration, round_text

# --------------------------------------------------------------------------- narration

_SENTENCE_END = re.compile(r"[.:?!)»]$")


def _reflow(body: str) -> str:
    """Join lines broken in mid-sentence, so the terminal wraps them at its own width; a
    line that ends a sentence, and blank lines, stay."""
    out: List[str] = []
    for line in body.splitlines():
        line = line.rstrip()
        if out and out[-1] and line and not _SENTENCE_END.search(out[-1]):
            out[-1] += " " + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


def _narration(state: ClusterState, layout: Layout) -> Optional[RenderableType]:
    """What a demo is showing right now: its title, its explanation, the question, the hint."""
    shown = state.narration
    if shown is None or not shown.title.strip():
        return None
    # Text, never markup: a "[x]" in a demo's text is shown as it is
    title = Text(shown.title.strip(), style="bold magenta")
    parts = [shown.body]
    if shown.question:
        parts.append(label("demo.ask", state.lang) + " " + shown.question)
    body = "\n".join(p for p in parts if p)
    if shown.hint:
        body = f"{body}\n\n{shown.hint}" if body else shown.hint
    body = _reflow(body.strip("\n"))
    text = Text(body, overflow="fold") if body else None
    if layout.narration_lines is not None and text is not None:
        text = _first_lines(text, layout.narration_lines, layout.narration_width)
    if layout.boxed_narration:
        content = Group(title, text) if text is not None else title
        return Panel(content, box=box.HEAVY, border_style="magenta", padding=(0, 1))
    rule = Rule(title, style="magenta", align="left", characters="━")
    return Group(rule, text) if text is not None else rule


def _first_lines(text: Text, lines: int, width: int) -> Optional[Text]:
    """`text` cut to its first `lines` lines as wrapped at `width`."""
    if lines <= 0:
        return None
    wrapped = text.wrap(_measure(), width)
    if len(wrapped) <= lines:
        return text
    kept = Text("\n").join(wrapped[:lines])
    kept.append(" …", style="dim")
    return kept


# --------------------------------------------------------------------------- header

def _leader_text(state: ClusterState, now: float) -> Text:
    lang = _lang(state)
    if state.leader is None:
        alive = any(n.state in ALIVE for n in state.sorted_nodes())
        return Text(label("no_leader" if alive or not state.nodes else "no_leader_no_node", lang),
                    style="bold red")
    if state.leader_original:
        text = Text.assemble((label("node", lang) + " ", "bold"), (_s(state.leader), "bold yellow"),
                             ("  " + label("original_leader", lang), "yellow"))
    else:
        epoch = "?" if state.epoch is None else str(state.epoch)
        text = Text.assemble(
            (label("node", lang) + " ", "bold"), (_s(state.leader), "bold yellow"),
            ("  " + label("epoch", lang) + " ", "bold"), (epoch, "bold")
        )
    if state.leader_since is not None:
        text.append("  " + label("leading_for", lang, duration=format_duration(now - state.leader_since)),
                    style="dim")
    if state.leader_state() == "holding":
        text.append("  " + label("holding", lang), style="bold magenta")
        view = state.nodes.get(state.leader)
        left = None if view is None else state.countdown(view, now)
        if left is not None:
            text.append("  " + label("expires_short", lang, time=f"{_num(left, 1, lang)} s"), style="bold red")
    return text


def _outbox_waits(state: ClusterState, now: float) -> bool:
    """Rounds have waited in the outbox longer than the round lag (the round in flight every
    interval is normal, and would only flash)."""
    since = state.outbox_since
    return (state.outbox_depth or 0) > 0 and since is not None and now - since > _lag(state)


def _held_round(state: ClusterState) -> Optional[int]:
    """The newest computed round when the API has not stored it yet (it waits in the outbox)."""
    computed = state.computed_round
    if computed is None or (state.outbox_depth or 0) <= 0:
        return None
    return computed if state.last_round is None or computed > state.last_round else None


def _mean_details(state: ClusterState, round_no: Optional[int], count: Optional[int]) -> str:
    lang = _lang(state)
    details = []
    if round_no is not None:
        details.append(label("round", lang, round=round_text(state, round_no)))
    elif state.last_row is not None:
        details.append(label("row", lang, row=state.last_row))
    if count:
        details.append(plural("readings", count, lang))
    return "  (" + ", ".join(details) + ")" if details else ""


def _mean_text(state: ClusterState, now: float) -> Text:
    lang = _lang(state)
    text = Text()
    held = _held_round(state) if _outbox_waits(state, now) else None
    if held is not None:
        # the leader computes on while the API is away: its newest round, marked as not stored,
        # next to the last one the API holds (a frozen mean would read as "no rounds")
        mean = state.computed_mean
        text.append(_num(mean, lang=lang) if mean is not None else label("no_readings", lang), style="bold")
        text.append(_mean_details(state, held, state.computed_count))
        text.append("  " + label("mean_held", lang), style="yellow")
        stored = (label("mean_stored", lang, round=round_text(state, state.last_round))
                  if state.last_round is not None else label("mean_none_stored", lang))
        text.append("  · " + stored, style="dim")
    elif state.last_mean is None and state.last_count != 0:
        text.append(label("no_round", lang), style="dim")
    else:
        text.append(_num(state.last_mean, lang=lang) if state.last_mean is not None else label("no_readings", lang),
                    style="bold")
        text.append(_mean_details(state, state.last_round, state.last_count))
    waiting = _waiting_text(state, now)
    if waiting is not None:
        text.append("  · ")
        text.append_text(waiting)
    return text


def _waiting_text(state: ClusterState, now: float) -> Optional[Text]:
    """"round 12 waits for node 3", once a round has waited longer than the round lag."""
    if state.waiting_round is None or not state.waiting_for:
        return None
    since = state.waiting_since
    if since is None or now - since <= _lag(state):
        return None
    lang = _lang(state)
    nodes = list(state.waiting_for)
    who = label("waits_node" if len(nodes) == 1 else "waits_nodes", lang, nodes=", ".join(nodes))
    return Text(label("waits_for", lang, round=round_text(state, state.waiting_round), who=who), style="yellow")


def _api_text(state: ClusterState) -> Text:
    lang = _lang(state)
    text = Text()
    if state.api_url:
        text.append(state.api_url + "  ")
    delivery = state.delivery
    if delivery is not None and delivery.ok is False:
        # never "OK" while the leader's own deliveries fail: name it and where it delivers
        since = clock(delivery.since, millis=False) if delivery.since is not None else "?"
        text.append(label("delivery_down", lang, node=delivery.leader, url=delivery.url or "?", time=since),
                    style="bold red")
    elif state.api_ok is True:
        text.append(label("api_ok", lang), style="green")
    elif state.api_ok is False:
        if state.api_down_since is not None:
            msg = label("api_down_since", lang, time=clock(state.api_down_since, millis=False))
        else:
            msg = label("api_down", lang)
        text.append(msg, style="bold red")
    else:
        text.append("?", style="dim")
    if state.rounds_stored is not None:
        unrounded = state.rows_unrounded or 0
        text.append("  · " + plural("rounds_stored", max(0, state.rounds_stored - unrounded), lang))
        if unrounded:
            text.append("  · " + plural("rows_unrounded", unrounded, lang), style="yellow")
    return text


def _outbox_text(state: ClusterState, now: float) -> Optional[Text]:
    """Shown when a round waits in the outbox longer than the round lag, or rounds were dropped:
    the round in flight every interval is normal, and would only flash."""
    lang = _lang(state)
    depth = state.outbox_depth or 0
    dropped = state.outbox_dropped or 0
    since = state.outbox_since
    waiting = _outbox_waits(state, now)
    if not waiting and dropped <= 0:
        return None
    text = Text()
    if waiting:
        text.append(plural("pending", depth, lang), style="yellow")
        if state.outbox_oldest is not None:
            text.append(" " + label("oldest_round", lang, round=round_text(state, state.outbox_oldest),
                                    duration=format_duration(now - (since or now))))
    if dropped:
        text.append(("  · " if waiting else "") + plural("dropped", dropped, lang), style="red")
    return text


def _zk_text(state: ClusterState) -> Text:
    lang = _lang(state)
    text = Text(state.zk or "?")
    if state.zk_connected:
        text.append("  " + label("connected", lang), style="green")
    else:
        text.append("  " + label("not_connected", lang), style="bold red")
    return text


def _header(state: ClusterState, now: float, layout: Layout,
            extra: Sequence[Tuple[str, RenderableType]] = ()) -> RenderableType:
    """Leader, mean, ZooKeeper, API, the outbox when it waits, `extra` rows (a large cluster's
    summary), the uptime and the join command."""
    lang = _lang(state)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(label("leader", lang), _leader_text(state, now))
    grid.add_row(label("mean", lang), _mean_text(state, now))
    grid.add_row(label("zookeeper", lang), _zk_text(state))
    grid.add_row(label("api", lang), _api_text(state))
    outbox = _outbox_text(state, now)
    if outbox is not None:
        grid.add_row(label("outbox", lang), outbox)
    if state.failover_cost:
        grid.add_row(label("failover", lang), Text(cost_line(state.failover_cost, lang), style="magenta"))
    for title_, value in extra:
        grid.add_row(title_, value)
    title = Text.assemble((label("title", lang), "bold"), " · ", (_s(state.name) or "default", "bold cyan"))
    if state.teaching:
        # a recipe for teaching (the herd effect), marked on every screen like --unsafe's demos
        title.append(" · " + label("recipe_mark", lang, recipe=recipe_name(state.recipe, lang)), style="bold magenta")
    if layout.compact_header:
        if state.started_at:
            title.append(" · " + label("up_for", lang, duration=format_duration(now - state.started_at)),
                         style="dim")
        return Group(Rule(title, align="left", style="dim"), grid)
    if state.started_at:
        grid.add_row(label("uptime", lang), format_duration(now - state.started_at))
    if state.join_command:
        grid.add_row(label("join", lang), Text(str(state.join_command), style="bold cyan"))
    return Panel(grid, title=title, title_align="left", box=box.ROUNDED)


# --------------------------------------------------------------------------- zk servers

def _zk_servers(state: ClusterState) -> Optional[Text]:
    servers = list(state.zk_servers or [])
    if len(servers) <= 1:
        return None
    lang = _lang(state)
    text = Text()
    text.append(label("ensemble", lang), style="bold")
    for server in servers:
        mode = _s(server.mode) or "?"
        style = {"leader": "bold", "follower": "", "standalone": "", "down": "bold red",
                 "no quorum": "bold yellow"}.get(mode, "")
        text.append("   ")
        text.append("#%s " % server.index, style="dim")
        text.append(_s(server.address) + " ")
        text.append(word("mode", mode, lang), style=style)
        if state.leader_zk and state.leader_zk == server.address:
            text.append(" " + label("leaders_session", lang), style="yellow")
    if not any(s.mode in ("leader", "follower", "observer", "standalone") for s in servers):
        text.append("   " + label("no_quorum", lang), style="bold red")
    return text
