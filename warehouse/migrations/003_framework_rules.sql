-- grain: one table per kind of framework rule: settings (one row per framework), categories and mandatory courses (one row per framework and item)
-- purpose: the rules a council may set differently, loaded from each framework's rules file; frameworks loaded before this migration get the defaults the code had then

create table framework_rules (
    framework varchar not null,
    evidence_window_months integer not null,
    time_criteria_need_training boolean not null,
    -- false: the framework uses every course in mandatory_courses; true: the courses in framework_mandatory_courses (none = no mandatory training)
    mandatory_courses_listed boolean not null,
);

create table framework_categories (
    framework varchar not null,
    category varchar not null,
    category_order integer not null,
);

create table framework_mandatory_courses (
    framework varchar not null,
    course varchar not null,
);

-- The rules that were constants in the code until this migration (Medway's), for frameworks already loaded.
insert into framework_rules
select framework, 24, true, false from frameworks;

insert into framework_categories
select frameworks.framework, categories.category, categories.category_order
from frameworks
cross join (values ('Qualifications', 1), ('Knowledge', 2), ('Experience', 3), ('Skills', 4))
    as categories(category, category_order);
