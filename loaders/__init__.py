"""Loaders: read HR's CSV and Excel files, validate every row, and write them to DuckDB atomically.

`python -m loaders --help` lists the commands. Nothing here imports streamlit.
"""
