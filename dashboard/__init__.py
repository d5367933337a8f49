"""The Streamlit glue: the one place (besides app.py and pages/) that imports streamlit.

`router` holds the navigation and the guard every page starts with; `connection` the cached
read-only database connection and cached query results; `viewer` who is looking; `filters` the
shared sidebar; `charts` the Altair charts; `downloads` CSV and Excel exports.
"""
