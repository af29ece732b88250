{#
    A key column: unique and never NULL, in one scan instead of dbt's `unique` and `not_null`
    pair (two nodes, two scans). A nightly build runs a few hundred data tests and each node
    costs dbt tens of milliseconds whatever its size, so keys are tested once.

    Fails with one row per duplicated key (and one for NULL keys) and how many rows share it.
#}
{% test unique_key(model, column_name) %}
    select
        {{ column_name }} as key_value,
        count(*) as rows_with_key
    from {{ model }}
    group by {{ column_name }}
    having {{ column_name }} is null or count(*) > 1
{% endtest %}
