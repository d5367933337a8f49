-- A database as the first released version of the product (schema version 1) left it.
-- Frozen: never edit. tests/test_operations.py migrates it and checks readiness is unchanged.
create table schema_version (version integer not null, applied_at timestamp not null);
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
insert into schema_version values (1, timestamp '2025-11-01 09:00:00');
insert into frameworks values ('fw', 'fw.csv', 'abc', timestamp '2025-11-01 09:00:00');
insert into roles values ('OFF', 'fw', 'Officer', 3, 'Answers enquiries', [], 1), ('MGR', 'fw', 'Manager', 5, 'Leads the team', [], 2);
insert into levels values ('OFF', 'A', 'Developing', 1), ('OFF', 'B', 'Practising', 2), ('OFF', 'C', 'Accomplished', 3),
    ('MGR', 'A', 'Developing', 1), ('MGR', 'B', 'Practising', 2);
insert into criteria values
    ('OFF.A.K1', 'OFF', 'A', 'Knowledge', 1, 'Knows the basics', null, null),
    ('OFF.B.K1', 'OFF', 'B', 'Knowledge', 1, 'Sound knowledge', null, null),
    ('OFF.B.E1', 'OFF', 'B', 'Experience', 1, '12 months at level A', 12, null),
    ('OFF.B.S1', 'OFF', 'B', 'Skills', 1, 'Trains others in administration', null, 'alt'),
    ('OFF.B.S2', 'OFF', 'B', 'Skills', 2, 'Trains others in telephony', null, 'alt'),
    ('OFF.C.K1', 'OFF', 'C', 'Knowledge', 1, 'Expert knowledge', null, null),
    ('OFF.C.E1', 'OFF', 'C', 'Experience', 1, '18 months at level B', 18, null),
    ('MGR.A.K1', 'MGR', 'A', 'Knowledge', 1, 'Management knowledge', null, null),
    ('MGR.B.K1', 'MGR', 'B', 'Knowledge', 1, 'Strategic knowledge', null, null);
insert into mandatory_courses values ('GDPR');
insert into staff values
    ('M1', 'Morgan Vale', 'Alpha', null, 'MGR', 'A', date '2022-01-01', 'morgan@example.org', null),
    ('S1', 'Sam Reed', 'Alpha', 'M1', 'OFF', 'A', date '2024-01-15', 'sam@example.org', null),
    ('S2', 'Alex Moor', 'Alpha', 'M1', 'OFF', 'A', date '2025-03-01', 'alex@example.org', null),
    ('S3', 'Jo Park', 'Beta', 'M1', 'OFF', 'B', date '2023-05-01', 'jo@example.org', null),
    ('S4', 'Kit Lane', 'Beta', 'M1', 'OFF', 'C', date '2020-05-01', 'kit@example.org', null),
    ('S5', 'Lee Ford', 'Beta', 'M1', 'OFF', 'A', date '2023-05-01', null, date '2025-04-01');
insert into evidence values
    ('S1', 'OFF.B.K1', date '2025-01-10', 'approved', 'Morgan Vale', null, null),
    ('S1', 'OFF.B.S2', date '2025-02-10', 'approved', 'Morgan Vale', null, null),
    ('S2', 'OFF.B.K1', date '2025-04-10', 'approved', 'Morgan Vale', null, null),
    ('S2', 'OFF.B.S1', date '2025-04-20', 'submitted', null, null, null),
    ('S3', 'OFF.C.K1', date '2022-01-10', 'approved', 'Morgan Vale', null, null),
    ('S4', 'MGR.A.K1', date '2025-01-10', 'approved', 'Morgan Vale', null, null);
insert into training values ('S1', 'GDPR', date '2024-02-01', null), ('S2', 'GDPR', date '2025-03-05', date '2027-03-05'),
    ('S3', 'GDPR', date '2023-01-01', date '2025-01-01'), ('M1', 'GDPR', date '2024-01-01', null);
insert into acting values ('S2', 'OFF', date '2024-06-01', date '2024-11-30', 'secondment');
insert into load_log (loaded_at, kind, file_name, outcome) values (timestamp '2025-11-01 09:00:00', 'staff', 'staff.csv', 'loaded');
