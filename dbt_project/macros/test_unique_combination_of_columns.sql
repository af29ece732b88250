{#- Grain test for multi-column keys (dbt_utils is not reachable offline).
    NULL grain values compare equal, as in the exported CSV. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as rows_in_grain
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}
