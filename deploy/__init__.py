"""Serving the dashboard: the launcher (`serve.py`, run by `./dev start`) and the proxy's template."""
