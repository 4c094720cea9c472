"""The runner reports every wait of a step as that step's event: the display learns what is
waited for, until when, and when the wait ended, without the engine printing."""

from __future__ import annotations

from f5ecmp.runner import Event, Waiting
from tests.rollout.conftest import Rig


def test_the_waits_of_a_rollout_are_events_of_their_step(rig: Rig) -> None:
    events: list[Event] = []
    assert rig.apply(on_event=events.append).ok
    waits = [e for e in events if isinstance(e, Waiting)]
    started = [(e.step, e.device, e.update.what) for e in waits if e.update.phase == "started"]
    ended = [(e.step, e.device, e.update.what) for e in waits if e.update.phase == "ended"]
    authority = rig.pb.authority.name
    assert ("trust", authority, "every device to trust every other device") in started
    assert started == ended  # every wait that started ended, in the same order here
    assert {e.update.outcome for e in waits if e.update.phase == "ended"} == {"done"}
    assert all(e.update.deadline_s == 10 for e in waits)  # the rig's poll policy
    assert {e.step for e in waits} >= {"trust", "device_group", "sync"}
