"""One run's read memory: a GET is answered again only while nothing could have changed it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from f5ecmp.bigip.memo import MemoApi, ReadMemo
from f5ecmp.bigip.waits import Waiter
from f5ecmp.policies import PollPolicy

VLANS = "/mgmt/tm/net/vlan"
NTP = "/mgmt/tm/sys/ntp"
SYNC = "/mgmt/tm/cm/sync-status"
DEVICES = "/mgmt/tm/cm/device"


def collection(kind: str, *names: str) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": f"tm:{kind}collectionstate"}
    if names:
        out["items"] = [
            {"kind": f"tm:{kind}state", "name": n, "fullPath": f"/Common/{n}"} for n in names
        ]
    return out


class FakeDevice:
    """Answers GETs from ``state`` (path → answer) and counts every request."""

    def __init__(self, name: str, state: dict[str, Any]) -> None:
        self.name = name
        self.state = state
        self.gets: list[str] = []
        self.writes: list[tuple[str, str]] = []
        self.during_get: Callable[[], None] | None = None

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        self.gets.append(path)
        if self.during_get is not None:
            self.during_get()
        return self.state[path]

    def request(self, method: str, path: str, *, params: Mapping[str, str] | None = None,
                body: Any = None, confirm: Any = None, headers: Any = None) -> Any:  # fmt: skip
        if method == "GET":
            return self.get(path, params)
        self.writes.append((method, path))
        if method == "POST" and path == VLANS:
            return {"kind": "tm:net:vlan:vlanstate", "name": body["name"],
                    "fullPath": f"/Common/{body['name']}", "tag": body.get("tag")}  # fmt: skip
        if method == "PATCH" and path.startswith(VLANS + "/"):
            name = path.rsplit("~", 1)[-1]
            return {"kind": "tm:net:vlan:vlanstate", "name": name, "fullPath": f"/Common/{name}",
                    **body}  # fmt: skip
        if method == "PATCH" and path == NTP:
            return {"kind": "tm:sys:ntp:ntpstate", **body}
        return {}

    def transaction(self, commands: list[dict[str, Any]], *, confirm: Any = None) -> Any:
        self.writes.append(("TRANSACTION", str(len(commands))))
        return {}


def pair(shared: frozenset[str] = frozenset()) -> tuple[ReadMemo, dict[str, MemoApi]]:
    memo = ReadMemo(shared)
    devices = {}
    for name in ("a", "b"):
        state = {
            VLANS: collection("net:vlan:vlan", "external"),
            NTP: {"kind": "tm:sys:ntp:ntpstate", "servers": []},
            SYNC: {"entries": {}},
            DEVICES: collection("cm:device:device", "a", "b"),
            "/mgmt/tm/ltm/pool/~Common~p": {"kind": "tm:ltm:pool:poolstate", "name": "p"},
        }
        devices[name] = MemoApi(FakeDevice(name, state), memo, name)
    return memo, devices


def gets(api: MemoApi) -> list[str]:
    inner = api.inner
    assert isinstance(inner, FakeDevice)
    return inner.gets


def test_a_second_read_of_the_same_answer_is_not_sent() -> None:
    memo, dev = pair()
    first = dev["a"].get(VLANS)
    first["items"].append({"name": "changed by the caller"})  # a copy: the memory is not touched
    again = dev["a"].get(VLANS)
    assert gets(dev["a"]) == [VLANS]
    assert [i["name"] for i in again["items"]] == ["external"]
    assert memo.hits == 1


def test_a_write_forgets_its_own_area_on_its_own_device_only() -> None:
    _memo, dev = pair()
    for api in dev.values():
        api.get(VLANS), api.get(NTP), api.get(SYNC)
    dev["a"].request("DELETE", f"{VLANS}/~Common~external")
    for api in dev.values():
        api.get(VLANS), api.get(NTP), api.get(SYNC)
    # a's VLANs: rebuilt from the delete (the object is gone); status answers: everywhere again
    assert gets(dev["a"]) == [VLANS, NTP, SYNC, SYNC]
    assert gets(dev["b"]) == [VLANS, NTP, SYNC, SYNC]
    assert "items" not in dev["a"].get(VLANS) or not dev["a"].get(VLANS)["items"]


def test_a_write_answer_joins_or_replaces_its_object_in_the_collection_read() -> None:
    _memo, dev = pair()
    dev["a"].get(VLANS)
    dev["a"].request("POST", VLANS, body={"name": "internal", "tag": 20})
    dev["a"].request("PATCH", f"{VLANS}/~Common~external", body={"tag": 10})
    seen = {i["name"]: i.get("tag") for i in dev["a"].get(VLANS)["items"]}
    assert seen == {"external": 10, "internal": 20}
    assert gets(dev["a"]) == [VLANS]  # the writes' answers, not another read


def test_an_object_read_takes_the_patch_answer() -> None:
    _memo, dev = pair()
    dev["a"].get(NTP)
    dev["a"].request("PATCH", NTP, body={"servers": ["10.0.0.1"]})
    assert dev["a"].get(NTP)["servers"] == ["10.0.0.1"]
    assert gets(dev["a"]) == [NTP]


def test_an_answer_without_the_expanded_subcollection_does_not_stand_in_for_the_read() -> None:
    _memo, dev = pair()
    inner = dev["a"].inner
    assert isinstance(inner, FakeDevice)
    expand = {"expandSubcollections": "true"}
    dev["a"].get(VLANS, expand)

    def unexpanded(method: str, path: str, **kw: Any) -> Any:
        return {"kind": "tm:net:vlan:vlanstate", "name": "v", "fullPath": "/Common/v",
                "interfacesReference": {"link": "x", "isSubcollection": True}}  # fmt: skip

    inner.request = unexpanded  # type: ignore[method-assign]
    dev["a"].request("POST", VLANS, body={"name": "v"})
    dev["a"].get(VLANS, expand)
    assert gets(dev["a"]) == [VLANS, VLANS]


def test_cm_writes_forget_cm_everywhere_and_shared_areas_follow_auto_sync() -> None:
    _memo, dev = pair()
    for api in dev.values():
        api.get(DEVICES)
    dev["a"].request("PATCH", f"{DEVICES}/~Common~a", body={"configsyncIp": "10.2.1.11"})
    dev["b"].get(DEVICES)
    assert gets(dev["b"]) == [DEVICES, DEVICES]

    pool = "/mgmt/tm/ltm/pool/~Common~p"
    _memo, alone = pair()
    _memo, synced = pair(frozenset({"ltm"}))
    for devs in (alone, synced):
        devs["b"].get(pool)
        devs["a"].request("PATCH", pool, body={"description": "x"})
        devs["b"].get(pool)
    assert gets(alone["b"]) == [pool]  # no auto sync: a's write leaves b's pool as it was
    assert gets(synced["b"]) == [pool, pool]


def test_saving_forgets_nothing_and_cluster_commands_forget_everything() -> None:
    _memo, dev = pair()
    dev["a"].get(VLANS), dev["b"].get(NTP)
    dev["a"].request("POST", "/mgmt/tm/sys/config", body={"command": "save"})
    dev["a"].get(VLANS), dev["b"].get(NTP)
    assert gets(dev["a"]) == [VLANS] and gets(dev["b"]) == [NTP]
    dev["a"].request("POST", "/mgmt/tm/cm", body={"command": "run"})
    dev["a"].get(VLANS), dev["b"].get(NTP)
    assert gets(dev["a"]) == [VLANS, VLANS] and gets(dev["b"]) == [NTP, NTP]
    dev["b"].transaction([{"method": "POST"}])
    dev["a"].get(VLANS)
    assert gets(dev["a"]) == [VLANS, VLANS, VLANS]


def test_a_wait_reads_the_devices_and_forgets_what_changes_by_itself() -> None:
    memo, dev = pair()
    dev["a"].get(SYNC), dev["b"].get(NTP), dev["b"].get(DEVICES)
    polls = iter([False, False, True])
    waiter = Waiter(PollPolicy(first_s=0.01, max_s=0.01, deadline_s=5), sleep=lambda _s: None)
    waiter.around = memo.waiting

    def probe() -> tuple[bool, str]:
        seen: list[Any] = []
        worker = threading.Thread(target=lambda: seen.append(dev["a"].get(SYNC)))
        worker.start()  # a poll reads devices from other threads too
        worker.join()
        return next(polls), ""

    waiter.until("in sync", probe)
    assert gets(dev["a"]) == [SYNC] * 4  # every poll went to the device
    dev["a"].get(SYNC)  # the last poll's answer is kept
    dev["b"].get(DEVICES)  # trust, sync and failover show under cm: read before it, forgotten
    dev["b"].get(NTP)  # nothing a wait waits for changes NTP: kept
    assert gets(dev["a"]) == [SYNC] * 4
    assert gets(dev["b"]) == [NTP, DEVICES, DEVICES]


def test_a_read_under_way_while_its_device_is_written_is_not_kept() -> None:
    _memo, dev = pair()
    inner = dev["a"].inner
    assert isinstance(inner, FakeDevice)
    inner.during_get = lambda: dev["a"].request("PATCH", NTP, body={"servers": ["x"]})
    dev["a"].get(NTP)  # a write to NTP began and ended meanwhile: this answer may be old
    inner.during_get = None
    dev["a"].get(NTP)
    assert gets(dev["a"]) == [NTP, NTP]
    inner.during_get = lambda: dev["a"].request("POST", VLANS, body={"name": "y"})
    dev["a"].get(SYNC)  # a write anywhere changes status answers: not kept
    inner.during_get = None
    dev["a"].get(SYNC), dev["a"].get(SYNC)
    assert gets(dev["a"]) == [NTP, NTP, SYNC, SYNC]


def test_a_failed_write_keeps_no_answer_for_it() -> None:
    _memo, dev = pair()
    inner = dev["a"].inner
    assert isinstance(inner, FakeDevice)
    dev["a"].get(VLANS)

    def refuse(method: str, path: str, **kw: Any) -> Any:
        raise RuntimeError("400")

    inner.request = refuse  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        dev["a"].request("DELETE", f"{VLANS}/~Common~external")
    assert [i["name"] for i in dev["a"].get(VLANS)["items"]] == ["external"]
    assert gets(dev["a"]) == [VLANS, VLANS]


def test_trust_and_failover_commands_forget_what_every_device_reports_under_cm() -> None:
    _memo, dev = pair()
    for api in dev.values():
        api.get(VLANS), api.get(DEVICES)
    dev["a"].request("POST", "/mgmt/tm/cm/add-to-trust", body={"command": "run"})
    for api in dev.values():
        api.get(VLANS), api.get(DEVICES)
    assert gets(dev["a"]) == [VLANS, DEVICES, DEVICES]
    assert gets(dev["b"]) == [VLANS, DEVICES, DEVICES]


def test_creates_sent_together_bring_the_collection_read_up_to_date_when_the_last_ends() -> None:
    memo, dev = pair()
    dev["a"].get(VLANS)
    first = memo.begin_write("a", "POST", VLANS, {"name": "internal"})
    second = memo.begin_write("a", "POST", VLANS, {"name": "ha"})
    memo.end_write(second, {"kind": "tm:net:vlan:vlanstate", "name": "ha",
                            "fullPath": "/Common/ha"}, True)  # fmt: skip
    dev["a"].get(VLANS)  # one still under way: the device is asked
    memo.end_write(first, {"kind": "tm:net:vlan:vlanstate", "name": "internal",
                           "fullPath": "/Common/internal"}, True)  # fmt: skip
    names = [i["name"] for i in dev["a"].get(VLANS)["items"]]
    assert gets(dev["a"]) == [VLANS, VLANS]
    assert sorted(names) == ["external", "ha", "internal"]
    # another write to that part while one is under way joins it: both answers count
    third = memo.begin_write("a", "POST", VLANS, {"name": "x"})
    dev["a"].request("DELETE", f"{VLANS}/~Common~external")
    memo.end_write(third, {"kind": "tm:net:vlan:vlanstate", "name": "x",
                           "fullPath": "/Common/x"}, True)  # fmt: skip
    names = [i["name"] for i in dev["a"].get(VLANS)["items"]]
    assert sorted(names) == ["ha", "internal", "x"] and len(gets(dev["a"])) == 2
    # a config sync from another device meanwhile: nothing is kept
    fourth = memo.begin_write("a", "POST", VLANS, {"name": "y"})
    dev["b"].request("POST", "/mgmt/tm/cm", body={"command": "run"})
    memo.end_write(fourth, {"kind": "tm:net:vlan:vlanstate", "name": "y",
                            "fullPath": "/Common/y"}, True)  # fmt: skip
    dev["a"].get(VLANS)
    assert len(gets(dev["a"])) == 3


def test_fresh_reads_go_to_the_devices_from_every_thread() -> None:
    memo, dev = pair()
    dev["a"].get(NTP)
    with memo.fresh():
        worker = threading.Thread(target=lambda: dev["a"].get(NTP))
        worker.start()
        worker.join()
    dev["a"].get(NTP)  # the fresh answer is kept
    assert gets(dev["a"]) == [NTP, NTP]


def test_a_delete_by_an_escaped_name_leaves_the_collection_without_it() -> None:
    _memo, dev = pair()
    inner = dev["a"].inner
    assert isinstance(inner, FakeDevice)
    inner.state[VLANS] = {"kind": "tm:net:vlan:vlancollectionstate",
                          "items": [{"name": "s%1", "fullPath": "/Common/s%1"},
                                    {"name": "plain", "fullPath": "plain"}]}  # fmt: skip
    dev["a"].get(VLANS)
    dev["a"].request("DELETE", f"{VLANS}/~Common~s%251")
    dev["a"].request("DELETE", f"{VLANS}/plain")
    assert dev["a"].get(VLANS)["items"] == [] and gets(dev["a"]) == [VLANS]


def test_write_helpers_that_would_bypass_the_memory_are_refused() -> None:
    _memo, dev = pair()
    with pytest.raises(AttributeError, match="request"):
        dev["a"].patch  # noqa: B018


def test_a_step_run_again_reads_the_devices_again() -> None:
    """A step not converged on its first read is run again from a read of the devices, not
    from the run's memory (the devices were still settling)."""
    from f5ecmp.playbook import load_playbook
    from f5ecmp.runner import Runner
    from f5ecmp.steps.base import Context, Step
    from tests.conftest import SEED

    pb = load_playbook(SEED)
    first = pb.authority.name
    device = FakeDevice(first, {NTP: {"kind": "tm:sys:ntp:ntpstate", "servers": []}})
    answers = iter([[], ["10.0.0.1"]])
    device.during_get = lambda: device.state[NTP].update(servers=next(answers, ["10.0.0.1"]))

    def check(_ctx: Context, _dev: Any, facts: Any) -> list[str]:
        return [] if facts["servers"] else ["no servers yet"]

    step = Step(1, "probe", "a step that converges by itself", "first",
                lambda ctx, d: ctx.read(d, NTP), lambda _f, _t: [], check=check)  # fmt: skip
    ctx = Context(pb, {first: device})
    run = Runner(ctx, steps=(step,), step_retries=2, sleep=lambda _s: None).apply()
    assert run.ok and run.results[0].attempts == 2
    assert device.gets == [NTP, NTP]
