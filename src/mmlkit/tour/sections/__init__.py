"""Tour sections, one module per mmlkit module; see ``mmlkit.tour._api``."""
