"""The REST face of the simulator: parse, route, render. No cluster rules live here."""
