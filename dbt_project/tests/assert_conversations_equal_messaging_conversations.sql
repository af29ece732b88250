{# Shown in Dagster as a check on kpi_conversations_daily (a singular test with
   several inputs needs one named). #}
{{ config(meta={'dagster': {'ref': {'name': 'kpi_conversations_daily'}}}) }}

-- kpis.md invariants: SUM(conversations) over kpi_conversations_daily =
-- conversations in the messaging sources; SUM(messages_in + messages_out) =
-- their messages. Counted from the threaded messages every source feeds.
with

exported as (
    select
        coalesce(sum(kpi_conversations_daily.conversations), 0) as conversations,
        coalesce(
            sum(kpi_conversations_daily.messages_in + kpi_conversations_daily.messages_out), 0
        ) as messages
    from {{ ref('kpi_conversations_daily') }} as kpi_conversations_daily
),

messaging as (
    select
        count(distinct int_messages_threaded.conversation_id) as conversations,
        count(*) as messages
    from {{ ref('int_messages_threaded') }} as int_messages_threaded
)

select
    exported.conversations as exported_conversations,
    messaging.conversations as source_conversations,
    exported.messages as exported_messages,
    messaging.messages as source_messages
from exported
cross join messaging
where
    exported.conversations != messaging.conversations
    or exported.messages != messaging.messages
