-- grain: one row: the fingerprint of the view and macro definitions last applied
-- purpose: lets a write skip recreating views that have not changed since the last build
create table views_fingerprint (
    sha256 varchar not null,
    built_at timestamp not null,
);
