-- grain: at most one row: present only while the database holds the generated demo workforce and nothing else
-- purpose: the demo flag, written by the demo generator (loaders/demo.py) and deleted for good by any load of staff, evidence, training or acting
create table demo_marker (
    marked_at timestamp not null,
    generator varchar not null,
);
