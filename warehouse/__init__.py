"""The warehouse: the schema, its migrations and the SQL views that compute readiness.

Nothing here imports streamlit; pages reach the data through `warehouse.queries`.
"""
