{#- A channel is valid when kpis.md names it, when it is crm_<source>, or when
    the per-line seed channel_mapping.csv introduces it (a campaign name). -#}
{% test channel_in_taxonomy(model, column_name) %}
    select {{ column_name }} as invalid_channel
    from {{ model }}
    where {{ column_name }} is null
        or not (
            {{ column_name }} in (
                {%- for channel in taxonomy_channels() %}
                '{{ channel }}'{{ "," if not loop.last }}
                {%- endfor %}
            )
            or starts_with({{ column_name }}, 'crm_')
            or {{ column_name }} in (
                select channel_mapping.channel from {{ ref('channel_mapping') }} as channel_mapping
            )
        )
{% endtest %}
