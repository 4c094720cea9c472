"""Local traffic: monitors, profiles, nodes, pools, virtual servers and virtual addresses."""
