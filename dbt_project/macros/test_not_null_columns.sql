{#
    Required columns of one model, checked in one node: one `not_null` per column made a
    nightly build run 187 tests that each cost dbt more than the query.

    Fails with one row per column that has NULLs, naming it and counting them.
#}
{% test not_null_columns(model, column_names) %}
    with

    null_counts as (
        select
            {%- for column in column_names %}
                count(*) filter (where {{ column }} is null) as "{{ column }}"
                {{- "," if not loop.last }}
            {%- endfor %}
        from {{ model }}
    ),

    per_column as (
        unpivot null_counts
        on columns(*)
        into name column_name value null_rows
    )

    select
        column_name,
        null_rows
    from per_column
    where null_rows > 0
{% endtest %}
