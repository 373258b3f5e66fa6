"""One settings model: a node option is declared once and up, node and demo share it;
derived values are properties of frozen settings; each node gets a copy with its id."""

import dataclasses

import pytest
from click.testing import CliRunner

from cluster_sim.cli import main
from cluster_sim.node.settings import NodeSettings, default_history, default_round_deadline
from cluster_sim.node.options import OPTIONS


def test_derived_values_follow_the_settings_and_a_copy_changes_only_the_id():
    s = NodeSettings(node_id="", interval=0.5, session_timeout=2.0)
    assert s.readings_kept == default_history(0.5, 2.0) and s.round_lag == 0.25
    assert s.wait_limit == default_round_deadline(0.5, 2.0) == 3.0
    assert NodeSettings(node_id="", history=7, round_deadline=9.0).readings_kept == 7
    copy = dataclasses.replace(s, node_id="4")
    assert copy.node_id == "4" and dataclasses.asdict(copy) == dict(dataclasses.asdict(s), node_id="4")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.interval = 9.0        # what a node was started with cannot drift


@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: o.flag)
def test_every_node_option_fills_a_settings_field_and_reads_the_same_in_up_and_node(option):
    assert option.field in {f.name for f in dataclasses.fields(NodeSettings)}
    helps = [CliRunner().invoke(main, [command, "--help"]).output for command in ("up", "node")]
    assert all(option.flag in text for text in helps), option.flag


def test_demo_shares_the_pace_options_with_its_own_defaults():
    text = " ".join(CliRunner().invoke(main, ["demo", "--help"]).output.split())
    assert "--interval" in text and "--session-timeout" in text
    assert "[default: 1.0]" in text and "[default: 3.0]" in text
