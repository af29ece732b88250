{#
    Schema drift guard (reliability faults 25, 26): a critical field that a rename or a lost
    permission empties everywhere comes through staging as NULL on every row, which no
    `not_null` test on a sparse field can catch and which silently zeroes a measure.

    Fails, returning one row that names the field, when either:
    - `whole_table`: the model has rows and not one of them has the field; or
    - the rows loaded last (within `recent_hours` of the latest `loaded_at`), when at least
      `min_recent_rows` of them, all lack a field that earlier rows have: the field vanished
      in the latest run while old records keep their value (an incremental rename).
      `min_recent_rows: 0` turns that scope off for fields that are legitimately sparse.
#}
{% test not_all_null(
    model, column_name, whole_table=true, min_recent_rows=20, recent_hours=6,
    loaded_at_column='loaded_at'
) %}
    with

    scoped as (
        select
            {{ column_name }} is not null as has_value,
            {% if min_recent_rows > 0 -%}
                {{ loaded_at_column }}
                >= max({{ loaded_at_column }}) over () - interval '{{ recent_hours }} hours'
            {%- else -%}
                false
            {%- endif %} as is_recent
        from {{ model }}
    ),

    shares as (
        select
            count(*) as total_rows,
            count(*) filter (where has_value) as rows_with_value,
            count(*) filter (where is_recent) as recent_rows,
            count(*) filter (where is_recent and has_value) as recent_rows_with_value,
            count(*) filter (where not is_recent and has_value) as earlier_rows_with_value
        from scoped
    )

    select
        '{{ column_name }}' as field,
        case
            when {{ whole_table }} and total_rows > 0 and rows_with_value = 0
                then 'NULL on all ' || total_rows || ' rows: renamed or no longer readable?'
            else
                'NULL on all ' || recent_rows || ' rows loaded last, while '
                || earlier_rows_with_value || ' earlier rows have it: renamed?'
        end as problem
    from shares
    where
        ({{ whole_table }} and total_rows > 0 and rows_with_value = 0)
        or (
            {{ min_recent_rows }} > 0
            and recent_rows >= {{ min_recent_rows }}
            and recent_rows_with_value = 0
            and earlier_rows_with_value > 0
        )
{% endtest %}
