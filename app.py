"""Staff progression dashboard: `streamlit run app.py`.

The entry point is the router: page set-up, the viewer check, then st.navigation over every page in
pages/ (sections Readiness, Planning, Framework and data) — see dashboard/router.py, which every page
also calls first, so a deep link on a freshly started server goes through the same checks.
"""

from dashboard.router import run

run()
