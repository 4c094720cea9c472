"""Local traffic: nodes and pools (`models`), monitors and profiles (`monitors`), virtual
servers and virtual addresses (`virtual`); their statistics (`responses`) and routes
(`urls`)."""
