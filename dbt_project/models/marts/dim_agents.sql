{# grain: one row per agent (CRM owner and telephony user unified by e-mail), plus unassigned #}
with

int_agents_unified as (
    select * from {{ ref('int_agents_unified') }}
)

select * from int_agents_unified
