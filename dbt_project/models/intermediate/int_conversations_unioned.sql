{# grain: one row per messaging conversation, of every enabled messaging source #}
{#- The vendor-neutral messaging seam (kpis.md "Messaging rules"): each
    messaging source adds one `union all` branch from its staging models.
    With no messaging source the seam is empty but typed, so
    kpi_conversations_daily is still published with its header. -#}
with

no_messaging_source as (
    select
        -- ids
        cast(null as varchar) as conversation_id,
        cast(null as varchar) as source_system,
        cast(null as varchar) as agent_id,

        -- strings
        cast(null as varchar) as channel,
        cast(null as varchar) as business_line,
        cast(null as varchar) as customer_number_e164,
        cast(null as varchar) as direction,

        -- numerics
        cast(null as bigint) as messages_in,
        cast(null as bigint) as messages_out,

        -- timestamps
        cast(null as timestamptz) as started_at,
        cast(null as timestamptz) as first_customer_message_at,
        cast(null as timestamptz) as first_agent_response_at
    where false
),

unioned as (
    select * from no_messaging_source
)

select * from unioned
