"""The guide's end state, read from every simulated device directly: no f5ecmp step, plan or
verify code is used here, only GETs and literal expectations of the seed playbook."""

from __future__ import annotations

from typing import Any

NAMES = ["bigip-a.example.net", "bigip-b.example.net", "bigip-c.example.net"]
LABELS = ["bigip-a", "bigip-b", "bigip-c"]
STATIC = {"ext": "20.1.1.{}/24", "int": "10.1.1.{}/24", "ha": "10.2.1.{}/24"}
MACS = ["02:01:d7:93:35:01", "02:01:d7:93:35:02", "02:01:d7:93:35:03"]


def _items(answer: Any) -> list[dict[str, Any]]:
    return list(answer.get("items", [])) if isinstance(answer, dict) else []


def _stats(answer: Any) -> dict[str, dict[str, Any]]:
    """BIG-IP's ``entries → nestedStats → entries`` flattened to {entry url: fields}."""
    out = {}
    for url, entry in answer.get("entries", {}).items():
        out[url] = entry.get("nestedStats", {}).get("entries", {})
    return out


def assert_guide_state(rig: Any, names: list[str] = NAMES) -> None:
    get = rig.get
    for i, name in enumerate(names):
        own = i + 6  # the static selfs of device i end in .6, .7, .8
        vlans = {v["name"]: v for v in _items(get(name, "/mgmt/tm/net/vlan"))}
        assert {k: vlans[k]["tag"] for k in ("external", "internal", "HA")} == {
            "external": 10, "internal": 20, "HA": 30,
        }  # fmt: skip
        selfs = {s["name"]: s for s in _items(get(name, "/mgmt/tm/net/self"))}
        label = LABELS[i]
        for role, pattern in STATIC.items():
            static = selfs[f"{role}_static_self_{label}"]
            assert static["address"] == pattern.format(own)
            assert static["trafficGroup"] == "/Common/traffic-group-local-only"
        floats = {n: s for n, s in selfs.items() if n.startswith("float_")}
        assert len(floats) == 6 and len(selfs) == 9
        for j, other in enumerate(LABELS[: len(names)]):
            tg = f"/Common/traffic-group-{j + 1}"
            assert floats[f"float_ext_self_{other}"]["address"] == f"20.1.1.{j + 2}/24"
            assert floats[f"float_int_self_{other}"]["address"] == f"10.1.1.{j + 2}/24"
            assert floats[f"float_ext_self_{other}"]["trafficGroup"] == tg
        ntp = get(name, "/mgmt/tm/sys/ntp")
        assert sorted(ntp["servers"]) == ["192.0.2.123", "198.51.100.123"]
        assert ntp["timezone"] == "UTC"
        me = next(d for d in _items(get(name, "/mgmt/tm/cm/device")) if d["selfDevice"] == "true")
        assert me["configsyncIp"] == f"10.1.1.{own}"
        assert sorted((u["ip"], u["port"]) for u in me["unicastAddress"]) == sorted(
            [(f"10.2.1.{own}", 1026), ("management-ip", 1026)]
        )
        assert (me["mirrorIp"], me["mirrorSecondaryIp"]) == (f"10.1.1.{own}", f"10.2.1.{own}")
        trusted = {d["name"] for d in _items(get(name, "/mgmt/tm/cm/device"))}
        assert set(names) <= trusted
        dg = get(name, "/mgmt/tm/cm/device-group/~Common~dg-ecmp?expandSubcollections=true")
        assert (dg["type"], dg["autoSync"], dg["fullLoadOnSync"], dg["networkFailover"]) == (
            "sync-failover", "disabled", "false", "enabled",
        )  # fmt: skip
        assert (dg["saveOnAutoSync"], dg["incrementalConfigSyncSizeMax"]) == ("false", 1024)
        members = {m["name"] for m in _items(dg["devicesReference"])}
        assert members == set(names)
        groups = {g["name"]: g for g in _items(get(name, "/mgmt/tm/cm/traffic-group"))}
        for j, owner in enumerate(names):
            tg = groups[f"traffic-group-{j + 1}"]
            assert tg["mac"] == MACS[j]
            # the guide's HA order: the group's own device first, then the others in turn
            assert [h.rsplit("/", 1)[-1] for h in tg["haOrder"]] == names[j:] + names[:j], owner
            assert tg["autoFailbackEnabled"] == "true"
        pool = get(name, "/mgmt/tm/ltm/pool/~Common~app_pool?expandSubcollections=true")
        assert (pool["loadBalancingMode"], pool["monitor"].strip()) == (
            "round-robin",
            "/Common/http",
        )
        assert {m["name"] for m in _items(pool["membersReference"])} == {
            "10.1.1.100:80", "10.1.1.101:80",
        }  # fmt: skip
        vs = get(name, "/mgmt/tm/ltm/virtual/~Common~app_vs")
        assert (vs["destination"], vs["mirror"], vs["pool"]) == (
            "/Common/30.1.1.10:80", "enabled", "/Common/app_pool",
        )  # fmt: skip
        assert vs["sourceAddressTranslation"]["type"] == "automap"
        va = get(name, "/mgmt/tm/ltm/virtual-address/~Common~30.1.1.10")
        assert (va["spanning"], va["arp"], va["trafficGroup"]) == (
            "enabled", "disabled", "/Common/traffic-group-1",
        )  # fmt: skip
        sync = _stats(get(name, "/mgmt/tm/cm/sync-status"))
        (fields,) = sync.values()
        assert fields["status"]["description"] == "In Sync"
    placement = _stats(get(names[0], "/mgmt/tm/cm/traffic-group/stats"))
    active = {
        (
            f["trafficGroup"]["description"].rsplit("/", 1)[-1],
            f["deviceName"]["description"].rsplit("/", 1)[-1],
        )
        for f in placement.values()
        if f["failoverState"]["description"] == "active"
    }
    assert active == {(f"traffic-group-{j + 1}", owner) for j, owner in enumerate(names)}
