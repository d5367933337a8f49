-- grain: the stored tables, one per loaded input, plus the load log
-- purpose: the first released schema; later migrations alter it, never this file

create table frameworks (
    framework varchar not null,
    source_file varchar not null,
    file_sha256 varchar not null,
    loaded_at timestamp not null,
);

create table roles (
    role_code varchar not null,
    framework varchar not null,
    role_title varchar not null,
    range integer not null,
    duties varchar,
    fed_by varchar[],
    role_order integer not null,
);

create table levels (
    role_code varchar not null,
    level varchar not null,
    level_name varchar not null,
    level_order integer not null,
);

create table criteria (
    criterion_id varchar not null,
    role_code varchar not null,
    level varchar not null,
    category varchar not null,
    number integer not null,
    criterion varchar not null,
    min_months integer,
    any_of varchar,
);

create table staff (
    staff_id varchar not null,
    name varchar,
    team varchar not null,
    line_manager_id varchar,
    role_code varchar not null,
    level varchar not null,
    level_start_date date not null,
    email varchar,
    left_on date,
);

create table evidence (
    staff_id varchar not null,
    criterion_id varchar not null,
    evidence_date date not null,
    status varchar not null,
    assessor varchar,
    note varchar,
    evidence_ref varchar,
);

create table training (
    staff_id varchar not null,
    course varchar not null,
    completed_on date not null,
    expires_on date,
);

create table acting (
    staff_id varchar not null,
    role_code varchar not null,
    start_date date not null,
    end_date date,
    kind varchar not null,
);

create table mandatory_courses (
    course varchar not null,
);

create table access (
    email varchar not null,
    access_role varchar not null,
);

create sequence load_id_sequence start 1;

create table load_log (
    load_id bigint not null default nextval('load_id_sequence'),
    loaded_at timestamp not null,
    kind varchar not null,
    file_name varchar not null,
    file_sha256 varchar,
    rows_inserted bigint not null default 0,
    rows_updated bigint not null default 0,
    rows_unchanged bigint not null default 0,
    rows_removed bigint not null default 0,
    outcome varchar not null,
    message varchar,
);
