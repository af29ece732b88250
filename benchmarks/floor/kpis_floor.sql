-- The transform floor: every kpi_* table of kpis.md from the raw tables, in one DuckDB script.
--
-- Same readings as the dbt models (docs/kpis.md, docs/architecture.md): each model's SQL in
-- dependency order, one CREATE TABLE per model in schema kpi_floor, with no dbt around it: no
-- Jinja, no adapter queries, no data tests, staging materialised once instead of views that every
-- consumer re-reads. The two Python models become SQL over two scalar UDFs that the runner
-- (benchmarks/transform_floor.py) registers from the dbt models' own functions:
--   normalise_phone(raw VARCHAR, region VARCHAR) -> STRUCT(number_e164 VARCHAR, number_type VARCHAR)
--   customer_key(contact_id VARCHAR) -> VARCHAR   (HMAC-SHA256 with PII_HASH_KEY)
-- and sets two variables: run_started_at (dbt's run timestamp, so "now" is the same instant) and
-- seeds_dir (dbt_project/seeds). Derived from the compiled models of commit 749d8a8; when a model's
-- reading changes, change it here too: the benchmark fails on any difference.
CREATE SCHEMA IF NOT EXISTS kpi_floor;

-- seeds (dbt_project/models/seeds/_seeds__models.yml column types)
CREATE OR REPLACE TABLE kpi_floor.channel_mapping AS
SELECT * FROM read_csv(getvariable('seeds_dir') || '/channel_mapping.csv', header = true,
    columns = {'business_line': 'VARCHAR', 'channel': 'VARCHAR', 'channel_label': 'VARCHAR'});
CREATE OR REPLACE TABLE kpi_floor.currency_rates AS
SELECT * FROM read_csv(getvariable('seeds_dir') || '/currency_rates.csv', header = true,
    columns = {'currency_code': 'VARCHAR', 'rate_to_reporting': 'DECIMAL(18, 8)'});
CREATE OR REPLACE TABLE kpi_floor.sales_targets AS
SELECT * FROM read_csv(getvariable('seeds_dir') || '/sales_targets.csv', header = true,
    columns = {'agent_email': 'VARCHAR', 'month': 'DATE', 'target_amount': 'DECIMAL(18, 2)'});

-- stg_aircall__users
CREATE OR REPLACE TABLE kpi_floor.stg_aircall__users AS
with
source as (
    select * from raw_aircall.users
),
renamed as (
    select
        -- ids
        cast(source.id as varchar) as user_id,
        -- strings
        nullif(trim(source.record ->> '$.name'), '') as user_name,
        nullif(trim(source.record ->> '$.email'), '') as email,
        source.record ->> '$.availability_status' as availability_status,
        -- booleans
        source.is_archived,
        -- timestamps
        case
        when nullif(trim(source.record ->> '$.created_at'), '') is null then null
        when regexp_full_match(trim(source.record ->> '$.created_at'), '[0-9]+')
            then make_timestamptz(cast(trim(source.record ->> '$.created_at') as bigint) * 1000)
        else cast(trim(source.record ->> '$.created_at') as timestamptz)
    end as created_at,
        source._loaded_at as loaded_at
    from source
)
select * from renamed;

-- stg_hubspot__owners
CREATE OR REPLACE TABLE kpi_floor.stg_hubspot__owners AS
with
source as (
    select * from raw_hubspot.owners
),
renamed as (
    select
        -- ids
        cast(source.id as varchar) as owner_id,
        nullif(trim(source.record ->> '$.userId'), '') as hubspot_user_id,
        -- strings
        nullif(trim(source.record ->> '$.email'), '') as email,
        nullif(trim(source.record ->> '$.firstName'), '') as first_name,
        nullif(trim(source.record ->> '$.lastName'), '') as last_name,
        -- The owner's primary team, read in place so the grain stays one row per owner.
        nullif(
            trim(
                list_filter(
                    from_json(
                        coalesce(source.record -> '$.teams', '[]'),
                        '[{"id": "VARCHAR", "name": "VARCHAR", "primary": "VARCHAR"}]'
                    ),
                    lambda team: lower(team.primary) = 'true'
                )[1].name
            ),
            ''
        ) as primary_team_name,
        -- booleans
        source.is_archived or coalesce(cast(source.record ->> '$.archived' as boolean), false) as is_archived,
        -- timestamps
        case
        when nullif(trim(source.record ->> '$.createdAt'), '') is null then null
        when regexp_full_match(trim(source.record ->> '$.createdAt'), '[0-9]+')
            then make_timestamptz(cast(trim(source.record ->> '$.createdAt') as bigint) * 1000)
        else cast(trim(source.record ->> '$.createdAt') as timestamptz)
    end as created_at,
        source.modified_at,
        source._loaded_at as loaded_at
    from source
)
select * from renamed;

-- int_agent_identities_mapped
CREATE OR REPLACE TABLE kpi_floor.int_agent_identities_mapped AS
with
stg_hubspot__owners as (
    select * from kpi_floor.stg_hubspot__owners
),
stg_aircall__users as (
    select * from kpi_floor.stg_aircall__users
),
owner_identities as (
    select
        'hubspot_owner' as source_system,
        stg_hubspot__owners.owner_id as source_id,
        case
        when nullif(trim(stg_hubspot__owners.email), '') is not null
            then substr(md5(lower(trim(stg_hubspot__owners.email))), 1, 12)
        else 'hubspot_owner_' || stg_hubspot__owners.owner_id
    end
            as agent_id,
        lower(trim(stg_hubspot__owners.email)) as email_normalised,
        stg_hubspot__owners.is_archived
    from stg_hubspot__owners
),
hubspot_user_identities as (
    -- Goals name their assignee by HubSpot user id (owner.userId), not owner id.
    select
        'hubspot_user' as source_system,
        stg_hubspot__owners.hubspot_user_id as source_id,
        case
        when nullif(trim(stg_hubspot__owners.email), '') is not null
            then substr(md5(lower(trim(stg_hubspot__owners.email))), 1, 12)
        else 'hubspot_owner_' || stg_hubspot__owners.owner_id
    end
            as agent_id,
        lower(trim(stg_hubspot__owners.email)) as email_normalised,
        stg_hubspot__owners.is_archived
    from stg_hubspot__owners
    where stg_hubspot__owners.hubspot_user_id is not null
    -- One user id could appear on an archived and an active owner: the active one wins.
    qualify row_number() over (
            partition by stg_hubspot__owners.hubspot_user_id
            order by stg_hubspot__owners.is_archived, stg_hubspot__owners.owner_id
        ) = 1
),
user_identities as (
    select
        'aircall_user' as source_system,
        stg_aircall__users.user_id as source_id,
        case
        when nullif(trim(stg_aircall__users.email), '') is not null
            then substr(md5(lower(trim(stg_aircall__users.email))), 1, 12)
        else 'aircall_user_' || stg_aircall__users.user_id
    end
            as agent_id,
        lower(trim(stg_aircall__users.email)) as email_normalised,
        false as is_archived
    from stg_aircall__users
),
unioned as (
    select * from owner_identities
    union all
    select * from hubspot_user_identities
    union all
    select * from user_identities
)
select * from unioned;

-- stg_aircall__team_members
CREATE OR REPLACE TABLE kpi_floor.stg_aircall__team_members AS
with
source as (
    select * from raw_aircall.teams
),
unnested as (
    select
        cast(source.id as varchar) as team_id,
        unnest(from_json(coalesce(source.record -> '$.users', '[]'), '["JSON"]')) as member
    from source
),
renamed as (
    select
        -- ids
        unnested.team_id,
        cast(unnested.member ->> '$.id' as varchar) as user_id
    from unnested
),
deduplicated as (
    select distinct
        renamed.team_id,
        renamed.user_id
    from renamed
    where renamed.user_id is not null
)
select * from deduplicated;

-- stg_aircall__teams
CREATE OR REPLACE TABLE kpi_floor.stg_aircall__teams AS
with
source as (
    select * from raw_aircall.teams
),
renamed as (
    select
        -- ids
        cast(source.id as varchar) as team_id,
        -- strings
        coalesce(source.record ->> '$.name', '') as team_name,
        -- numerics (ids are ints at Aircall: "first team" = lowest numeric id)
        try_cast(source.id as bigint) as team_id_number,
        -- timestamps
        case
        when nullif(trim(source.record ->> '$.created_at'), '') is null then null
        when regexp_full_match(trim(source.record ->> '$.created_at'), '[0-9]+')
            then make_timestamptz(cast(trim(source.record ->> '$.created_at') as bigint) * 1000)
        else cast(trim(source.record ->> '$.created_at') as timestamptz)
    end as created_at,
        source._loaded_at as loaded_at
    from source
)
select * from renamed;

-- int_agents_unified
CREATE OR REPLACE TABLE kpi_floor.int_agents_unified AS
with
int_agent_identities_mapped as (
    select * from kpi_floor.int_agent_identities_mapped
),
stg_hubspot__owners as (
    select * from kpi_floor.stg_hubspot__owners
),
stg_aircall__users as (
    select * from kpi_floor.stg_aircall__users
),
stg_aircall__teams as (
    select * from kpi_floor.stg_aircall__teams
),
stg_aircall__team_members as (
    select * from kpi_floor.stg_aircall__team_members
),
owners_with_agent as (
    select
        int_agent_identities_mapped.agent_id,
        stg_hubspot__owners.owner_id,
        stg_hubspot__owners.is_archived,
        nullif(concat_ws(' ', stg_hubspot__owners.first_name, stg_hubspot__owners.last_name), '')
            as full_name,
        stg_hubspot__owners.primary_team_name
    from stg_hubspot__owners
    inner join int_agent_identities_mapped
        on int_agent_identities_mapped.source_system = 'hubspot_owner'
            and stg_hubspot__owners.owner_id = int_agent_identities_mapped.source_id
),
user_first_teams as (
    -- A telephony user's first team is the one with the lowest numeric team id.
    select
        stg_aircall__team_members.user_id,
        first(
            stg_aircall__teams.team_name
            order by stg_aircall__teams.team_id_number nulls first, stg_aircall__teams.team_id
        ) as first_team_name
    from stg_aircall__team_members
    inner join stg_aircall__teams
        on stg_aircall__team_members.team_id = stg_aircall__teams.team_id
    group by stg_aircall__team_members.user_id
),
users_with_agent as (
    select
        int_agent_identities_mapped.agent_id,
        stg_aircall__users.user_id,
        stg_aircall__users.user_name,
        user_first_teams.first_team_name
    from stg_aircall__users
    inner join int_agent_identities_mapped
        on int_agent_identities_mapped.source_system = 'aircall_user'
            and stg_aircall__users.user_id = int_agent_identities_mapped.source_id
    left join user_first_teams
        on stg_aircall__users.user_id = user_first_teams.user_id
),
owner_attributes as (
    -- Active owners first, so an archived duplicate never shadows the live record.
    select
        owners_with_agent.agent_id,
        first(owners_with_agent.full_name order by owners_with_agent.is_archived, owners_with_agent.owner_id)
        filter (where owners_with_agent.full_name is not null) as owner_name,
        first(
            owners_with_agent.primary_team_name
            order by owners_with_agent.is_archived, owners_with_agent.owner_id
        ) filter (where owners_with_agent.primary_team_name is not null) as owner_team,
        bool_or(not owners_with_agent.is_archived) as has_active_owner,
        list(distinct owners_with_agent.owner_id order by owners_with_agent.owner_id) as hubspot_owner_ids
    from owners_with_agent
    group by owners_with_agent.agent_id
),
user_attributes as (
    select
        users_with_agent.agent_id,
        first(users_with_agent.user_name order by users_with_agent.user_id)
        filter (where users_with_agent.user_name is not null) as user_name,
        first(users_with_agent.first_team_name order by users_with_agent.user_id)
        filter (where users_with_agent.first_team_name is not null) as user_team,
        list(distinct users_with_agent.user_id order by users_with_agent.user_id) as aircall_user_ids
    from users_with_agent
    group by users_with_agent.agent_id
),
identity_attributes as (
    select
        int_agent_identities_mapped.agent_id,
        list(
            distinct int_agent_identities_mapped.email_normalised order by int_agent_identities_mapped.email_normalised
        )
        filter (where nullif(int_agent_identities_mapped.email_normalised, '') is not null) as emails,
        list(distinct int_agent_identities_mapped.source_id order by int_agent_identities_mapped.source_id)
        filter (where int_agent_identities_mapped.source_system = 'hubspot_user') as hubspot_user_ids
    from int_agent_identities_mapped
    group by int_agent_identities_mapped.agent_id
),
agents as (
    -- CRM owner data wins for name and team; the telephony user fills the gaps.
    select
        identity_attributes.agent_id,
        coalesce(owner_attributes.owner_name, user_attributes.user_name, '') as agent_name,
        coalesce(owner_attributes.owner_team, user_attributes.user_team) as team,
        identity_attributes.emails,
        coalesce(owner_attributes.hubspot_owner_ids, []) as hubspot_owner_ids,
        coalesce(identity_attributes.hubspot_user_ids, []) as hubspot_user_ids,
        coalesce(user_attributes.aircall_user_ids, []) as aircall_user_ids,
        coalesce(owner_attributes.has_active_owner, false) or user_attributes.agent_id is not null
            as is_active
    from identity_attributes
    left join owner_attributes
        on identity_attributes.agent_id = owner_attributes.agent_id
    left join user_attributes
        on identity_attributes.agent_id = user_attributes.agent_id
),
unassigned as (
    -- Interactions and deals with no agent point here (kpis.md "agent").
    select
        'unassigned' as agent_id,
        'Unassigned' as agent_name,
        cast(null as varchar) as team,
        cast([] as varchar[]) as emails,
        cast([] as varchar[]) as hubspot_owner_ids,
        cast([] as varchar[]) as hubspot_user_ids,
        cast([] as varchar[]) as aircall_user_ids,
        true as is_active
),
unioned as (
    select * from agents
    union all
    select * from unassigned
)
select * from unioned;

-- dim_agents
CREATE OR REPLACE TABLE kpi_floor.dim_agents AS
with
int_agents_unified as (
    select * from kpi_floor.int_agents_unified
)
select * from int_agents_unified;

-- int_settings_resolved
CREATE OR REPLACE TABLE kpi_floor.int_settings_resolved AS
with
resolved as (
    select
        'Europe/Paris' as reporting_timezone,
        upper('EUR') as reporting_currency,
        upper('FR') as default_phone_region,
        cast(24 as integer) as first_touch_grace_hours
)
select * from resolved;

-- stg_aircall__calls
CREATE OR REPLACE TABLE kpi_floor.stg_aircall__calls AS
with
source as (
    select * from raw_aircall.calls
),
parsed as (
    -- One JSON parse per call for every field, as the dbt model does.
    select
        source.id,
        source._loaded_at,
        json_extract_string(source.record, ['$.user.id', '$.number.id', '$.direction', '$.status', '$.raw_digits', '$.number.digits', '$.missed_call_reason', '$.duration', '$.voicemail', '$.archived', '$.started_at', '$.answered_at', '$.ended_at']) as fields
    from source
),
renamed as (
    select
        -- ids
        cast(parsed.id as varchar) as call_id,
        -- `user` is absent on unanswered inbound calls.
        nullif(trim(parsed.fields[1]), '') as user_id,
        nullif(trim(parsed.fields[2]), '') as number_id,
        -- strings (phones stay as printed; int_phone_numbers_normalised parses them)
        parsed.fields[3] as direction,
        parsed.fields[4] as call_status,
        nullif(trim(parsed.fields[5]), '') as customer_number_raw,
        nullif(trim(parsed.fields[6]), '') as line_digits_raw,
        nullif(trim(parsed.fields[7]), '') as missed_reason,
        -- numerics
        cast(parsed.fields[8] as integer) as duration_seconds,
        -- booleans
        -- The URL is short-lived and never kept; only its presence is.
        nullif(trim(parsed.fields[9]), '') is not null as has_voicemail,
        coalesce(cast(parsed.fields[10] as boolean), false) as is_archived,
        -- timestamps
        make_timestamptz(cast(parsed.fields[11] as bigint) * 1000000) as started_at,
        make_timestamptz(cast(parsed.fields[12] as bigint) * 1000000) as answered_at,
        make_timestamptz(cast(parsed.fields[13] as bigint) * 1000000) as ended_at,
        parsed._loaded_at as loaded_at
    from parsed
)
select * from renamed;

-- stg_aircall__numbers
CREATE OR REPLACE TABLE kpi_floor.stg_aircall__numbers AS
with
source as (
    select * from raw_aircall.numbers
),
renamed as (
    select
        -- ids
        cast(source.id as varchar) as number_id,
        -- strings
        source.record ->> '$.name' as line_name,
        nullif(trim(source.record ->> '$.digits'), '') as line_digits_raw,
        source.record ->> '$.country' as country_code,
        source.record ->> '$.time_zone' as line_time_zone,
        -- booleans
        cast(source.record ->> '$.is_ivr' as boolean) as is_ivr,
        -- timestamps
        case
        when nullif(trim(source.record ->> '$.created_at'), '') is null then null
        when regexp_full_match(trim(source.record ->> '$.created_at'), '[0-9]+')
            then make_timestamptz(cast(trim(source.record ->> '$.created_at') as bigint) * 1000)
        else cast(trim(source.record ->> '$.created_at') as timestamptz)
    end as created_at,
        source._loaded_at as loaded_at
    from source
)
select * from renamed;

-- stg_hubspot__contacts
CREATE OR REPLACE TABLE kpi_floor.stg_hubspot__contacts AS
with
source as (
    select * from raw_hubspot.contacts
),
renamed as (
    select
        -- ids
        cast(source.id as varchar) as contact_id,
        nullif(trim(source.record ->> '$.properties.hubspot_owner_id'), '') as owner_id,
        -- strings (phones stay free text here; int_phone_numbers_normalised parses them)
        nullif(trim(source.record ->> '$.properties.email'), '') as email,
        nullif(trim(source.record ->> '$.properties.phone'), '') as phone_raw,
        nullif(trim(source.record ->> '$.properties.mobilephone'), '') as mobile_phone_raw,
        nullif(trim(source.record ->> '$.properties.lifecyclestage'), '') as lifecycle_stage,
        nullif(trim(source.record ->> '$.properties.hs_analytics_source'), '') as original_source,
        -- booleans
        source.is_archived or coalesce(cast(source.record ->> '$.archived' as boolean), false) as is_archived,
        -- timestamps
        coalesce(
            case
        when nullif(trim(source.record ->> '$.properties.createdate'), '') is null then null
        when regexp_full_match(trim(source.record ->> '$.properties.createdate'), '[0-9]+')
            then make_timestamptz(cast(trim(source.record ->> '$.properties.createdate') as bigint) * 1000)
        else cast(trim(source.record ->> '$.properties.createdate') as timestamptz)
    end,
            case
        when nullif(trim(source.record ->> '$.createdAt'), '') is null then null
        when regexp_full_match(trim(source.record ->> '$.createdAt'), '[0-9]+')
            then make_timestamptz(cast(trim(source.record ->> '$.createdAt') as bigint) * 1000)
        else cast(trim(source.record ->> '$.createdAt') as timestamptz)
    end
        ) as created_at,
        source.modified_at,
        source._loaded_at as loaded_at
    from source
)
select * from renamed;

-- int_phone_numbers_normalised (a Python model in dbt): distinct raw strings parsed once by a UDF
CREATE OR REPLACE TABLE kpi_floor.int_phone_numbers_normalised AS
with
region as (
    select default_phone_region from kpi_floor.int_settings_resolved
),
raw_numbers as (
    select phone_raw as raw_number from kpi_floor.stg_hubspot__contacts where phone_raw is not null
    union
    select mobile_phone_raw from kpi_floor.stg_hubspot__contacts where mobile_phone_raw is not null
    union
    select customer_number_raw from kpi_floor.stg_aircall__calls where customer_number_raw is not null
    union
    select line_digits_raw from kpi_floor.stg_aircall__calls where line_digits_raw is not null
    union
    select line_digits_raw from kpi_floor.stg_aircall__numbers where line_digits_raw is not null
),
parsed as (
    select raw_numbers.raw_number, region.default_phone_region,
        normalise_phone(raw_numbers.raw_number, region.default_phone_region) as parsed
    from raw_numbers cross join region
)
select
    raw_number,
    parsed.number_e164 as number_e164,
    parsed.number_type as number_type,
    parsed.number_e164 is not null as is_valid,
    default_phone_region as parsed_with_region
from parsed;

-- int_business_lines_classified
CREATE OR REPLACE TABLE kpi_floor.int_business_lines_classified AS
with
stg_aircall__numbers as (
    select * from kpi_floor.stg_aircall__numbers
),
stg_aircall__calls as (
    select * from kpi_floor.stg_aircall__calls
),
int_phone_numbers_normalised as (
    select * from kpi_floor.int_phone_numbers_normalised
),
channel_mapping as (
    select * from kpi_floor.channel_mapping
),
line_digits as (
    -- Lines come from the numbers list; a call on a number no longer listed
    -- still names its line in `number.digits`.
    select
        stg_aircall__numbers.number_id,
        stg_aircall__numbers.line_name,
        stg_aircall__numbers.line_digits_raw
    from stg_aircall__numbers
    union all
    select distinct
        stg_aircall__calls.number_id,
        cast(null as varchar) as line_name,
        stg_aircall__calls.line_digits_raw
    from stg_aircall__calls
    where stg_aircall__calls.line_digits_raw is not null
),
lines_normalised as (
    select
        int_phone_numbers_normalised.number_e164 as business_line,
        int_phone_numbers_normalised.number_type,
        line_digits.number_id,
        line_digits.line_name
    from line_digits
    inner join int_phone_numbers_normalised
        on line_digits.line_digits_raw = int_phone_numbers_normalised.raw_number
    where int_phone_numbers_normalised.is_valid
),
lines as (
    select
        lines_normalised.business_line,
        any_value(lines_normalised.number_type) as number_type,
        first(lines_normalised.line_name order by try_cast(lines_normalised.number_id as bigint))
        filter (where lines_normalised.line_name is not null) as line_name,
        list(distinct lines_normalised.number_id order by lines_normalised.number_id)
        filter (where lines_normalised.number_id is not null) as number_ids
    from lines_normalised
    group by lines_normalised.business_line
),
typed as (
    select
        lines.*,
        case lines.number_type
        when 'TOLL_FREE' then 'phone_toll_free'
        when 'FIXED_LINE' then 'phone_geographic'
        when 'FIXED_LINE_OR_MOBILE' then 'phone_geographic'
        when 'MOBILE' then 'phone_mobile'
        when 'PREMIUM_RATE' then 'phone_premium'
        when 'VOIP' then 'phone_national'
        when 'SHARED_COST' then 'phone_national'
        when 'UAN' then 'phone_national'
        when 'PERSONAL_NUMBER' then 'phone_national'
        else 'unknown'
    end as type_channel
    from lines
),
classified as (
    -- The seed renames the channel of one line; the group stays the number type's.
    select
        typed.business_line,
        typed.line_name,
        typed.number_ids,
        typed.number_type,
        case when typed.type_channel = 'unknown' then 'unknown' else 'phone' end as channel_group,
        coalesce(channel_mapping.channel, typed.type_channel) as channel,
        coalesce(channel_mapping.channel_label, case
        when typed.type_channel = 'phone_toll_free' then 'Toll-free number'
        when typed.type_channel = 'phone_geographic' then 'Geographic number'
        when typed.type_channel = 'phone_national' then 'National number (VoIP)'
        when typed.type_channel = 'phone_mobile' then 'Mobile line'
        when typed.type_channel = 'phone_premium' then 'Premium-rate number'
        when typed.type_channel = 'whatsapp' then 'WhatsApp'
        when typed.type_channel = 'sms' then 'SMS'
        when typed.type_channel = 'web_chat' then 'Web chat'
        when typed.type_channel = 'outbound_call' then 'Outbound call'
        when typed.type_channel = 'outbound_message' then 'Outbound message'
        when starts_with(typed.type_channel, 'crm_')
            then 'CRM: '
            || upper(substr(replace(substr(typed.type_channel, 5), '_', ' '), 1, 1))
            || substr(replace(substr(typed.type_channel, 5), '_', ' '), 2)
        else 'Unknown'
    end) as channel_label,
        channel_mapping.business_line is not null as is_channel_mapped
    from typed
    left join channel_mapping
        on typed.business_line = trim(channel_mapping.business_line)
)
select * from classified;

-- dim_business_lines
CREATE OR REPLACE TABLE kpi_floor.dim_business_lines AS
with
int_business_lines_classified as (
    select * from kpi_floor.int_business_lines_classified
)
select * from int_business_lines_classified;

-- stg_hubspot__deal_pipelines
CREATE OR REPLACE TABLE kpi_floor.stg_hubspot__deal_pipelines AS
with
source as (
    select * from raw_hubspot.deal_pipelines
),
renamed as (
    select
        -- ids
        cast(source.id as varchar) as pipeline_id,
        -- strings
        coalesce(source.record ->> '$.label', '') as pipeline_label,
        -- numerics
        cast(source.record ->> '$.displayOrder' as integer) as display_order,
        -- booleans
        source.is_archived or coalesce(cast(source.record ->> '$.archived' as boolean), false) as is_archived,
        -- timestamps
        source.modified_at,
        source._loaded_at as loaded_at
    from source
)
select * from renamed;

-- stg_hubspot__deal_stages
CREATE OR REPLACE TABLE kpi_floor.stg_hubspot__deal_stages AS
with
source as (
    select * from raw_hubspot.deal_pipelines
),
unnested as (
    select
        cast(source.id as varchar) as pipeline_id,
        unnest(from_json(coalesce(source.record -> '$.stages', '[]'), '["JSON"]')) as stage
    from source
),
renamed as (
    select
        -- ids
        unnested.pipeline_id,
        cast(unnested.stage ->> '$.id' as varchar) as deal_stage_id,
        -- strings
        unnested.stage ->> '$.label' as deal_stage_label,
        -- numerics (metadata values are strings in v3)
        cast(nullif(trim(unnested.stage ->> '$.metadata.probability'), '') as double) as probability,
        cast(unnested.stage ->> '$.displayOrder' as integer) as display_order,
        -- booleans
        coalesce(lower(unnested.stage ->> '$.metadata.isClosed') = 'true', false) as is_closed,
        coalesce(cast(unnested.stage ->> '$.archived' as boolean), false) as is_archived
    from unnested
),
classified as (
    -- kpis.md: closed with probability 1 = won, closed with probability 0 = lost.
    select
        renamed.*,
        renamed.is_closed and renamed.probability = 1 as is_won,
        renamed.is_closed and renamed.probability = 0 as is_lost
    from renamed
)
select * from classified;

-- stg_hubspot__deals
CREATE OR REPLACE TABLE kpi_floor.stg_hubspot__deals AS
with
source as (
    select * from raw_hubspot.deals
),
renamed as (
    select
        -- ids
        cast(source.id as varchar) as deal_id,
        nullif(trim(source.record ->> '$.properties.hubspot_owner_id'), '') as owner_id,
        nullif(trim(source.record ->> '$.properties.pipeline'), '') as pipeline_id,
        nullif(trim(source.record ->> '$.properties.dealstage'), '') as deal_stage_id,
        -- strings
        source.record ->> '$.properties.dealname' as deal_name,
        upper(nullif(trim(source.record ->> '$.properties.deal_currency_code'), '')) as currency_code,
        -- numerics
        cast(nullif(trim(source.record ->> '$.properties.amount'), '') as decimal(38, 6)) as amount,
        cast(
            nullif(trim(source.record ->> '$.properties.amount_in_home_currency'), '')
            as decimal(38, 6)
        ) as amount_in_home_currency,
        -- booleans
        source.is_archived or coalesce(cast(source.record ->> '$.archived' as boolean), false) as is_archived,
        -- timestamps
        coalesce(
            case
        when nullif(trim(source.record ->> '$.properties.createdate'), '') is null then null
        when regexp_full_match(trim(source.record ->> '$.properties.createdate'), '[0-9]+')
            then make_timestamptz(cast(trim(source.record ->> '$.properties.createdate') as bigint) * 1000)
        else cast(trim(source.record ->> '$.properties.createdate') as timestamptz)
    end,
            case
        when nullif(trim(source.record ->> '$.createdAt'), '') is null then null
        when regexp_full_match(trim(source.record ->> '$.createdAt'), '[0-9]+')
            then make_timestamptz(cast(trim(source.record ->> '$.createdAt') as bigint) * 1000)
        else cast(trim(source.record ->> '$.createdAt') as timestamptz)
    end
        ) as created_at,
        case
        when nullif(trim(source.record ->> '$.properties.closedate'), '') is null then null
        when regexp_full_match(trim(source.record ->> '$.properties.closedate'), '[0-9]+')
            then make_timestamptz(cast(trim(source.record ->> '$.properties.closedate') as bigint) * 1000)
        else cast(trim(source.record ->> '$.properties.closedate') as timestamptz)
    end as close_date_at,
        source.modified_at,
        source._loaded_at as loaded_at
    from source
)
select * from renamed;

-- int_deals_classified
CREATE OR REPLACE TABLE kpi_floor.int_deals_classified AS
with
stg_hubspot__deals as (
    select * from kpi_floor.stg_hubspot__deals
),
stg_hubspot__deal_pipelines as (
    select * from kpi_floor.stg_hubspot__deal_pipelines
),
stg_hubspot__deal_stages as (
    select * from kpi_floor.stg_hubspot__deal_stages
),
currency_rates as (
    select * from kpi_floor.currency_rates
),
int_agent_identities_mapped as (
    select * from kpi_floor.int_agent_identities_mapped
),
deals as (
    -- Archived (deleted) deals are excluded everywhere (kpis.md).
    select *
    from stg_hubspot__deals
    where not stg_hubspot__deals.is_archived
),
deals_with_stage as (
    select
        deals.*,
        coalesce(stg_hubspot__deal_pipelines.pipeline_label, '') as pipeline,
        coalesce(stg_hubspot__deal_stages.is_won, false) as is_won,
        coalesce(stg_hubspot__deal_stages.is_lost, false) as is_lost
    from deals
    left join stg_hubspot__deal_pipelines
        on deals.pipeline_id = stg_hubspot__deal_pipelines.pipeline_id
    left join stg_hubspot__deal_stages
        on deals.pipeline_id = stg_hubspot__deal_stages.pipeline_id
            and deals.deal_stage_id = stg_hubspot__deal_stages.deal_stage_id
),
converted as (
    -- Money: home-currency amount, else the amount in (or without) the
    -- reporting currency, else the rates seed; rounded per deal.
    select
        deals_with_stage.*,
        cast(
            round(
                case
                    when deals_with_stage.amount_in_home_currency is not null
                        then cast(deals_with_stage.amount_in_home_currency as decimal(38, 10))
                    when deals_with_stage.currency_code is null
                        or deals_with_stage.currency_code = upper(trim('EUR'))
                        then cast(deals_with_stage.amount as decimal(38, 10))
                    else cast(
                            cast(deals_with_stage.amount as decimal(20, 6)) * currency_rates.rate_to_reporting
                            as decimal(38, 10)
                        )
                end,
                2
            ) as decimal(18, 2)
        ) as amount_reporting,
        deals_with_stage.amount_in_home_currency is null
        and deals_with_stage.amount is not null
        and deals_with_stage.currency_code is not null
        and deals_with_stage.currency_code != upper(trim('EUR'))
        and currency_rates.currency_code is null as is_missing_rate
    from deals_with_stage
    left join currency_rates
        on deals_with_stage.currency_code = upper(trim(currency_rates.currency_code))
),
classified as (
    select
        -- ids
        converted.deal_id,
        converted.pipeline_id,
        converted.deal_stage_id,
        converted.owner_id,
        coalesce(int_agent_identities_mapped.agent_id, 'unassigned') as owner_agent_id,
        -- strings
        converted.deal_name,
        converted.pipeline,
        case when converted.is_won then 'won' when converted.is_lost then 'lost' else 'open' end
            as deal_status,
        converted.currency_code,
        -- numerics
        converted.amount,
        converted.amount_in_home_currency,
        converted.amount_reporting,
        -- A deal without an amount adds 0 to revenue (additive measures are never NULL).
        cast(coalesce(converted.amount_reporting, 0) as decimal(18, 2)) as revenue,
        -- booleans
        converted.is_won,
        converted.is_lost,
        converted.is_won or converted.is_lost as is_closed,
        converted.is_missing_rate,
        -- timestamps: the close time is the CRM close date of a won or lost deal
        converted.created_at,
        case when converted.is_won or converted.is_lost then converted.close_date_at end as closed_at,
        converted.modified_at
    from converted
    left join int_agent_identities_mapped
        on int_agent_identities_mapped.source_system = 'hubspot_owner'
            and converted.owner_id = int_agent_identities_mapped.source_id
)
select * from classified;

-- fct_interactions
CREATE OR REPLACE TABLE kpi_floor.fct_interactions AS
with
stg_aircall__calls as (
    select * from kpi_floor.stg_aircall__calls
),
stg_aircall__numbers as (
    select * from kpi_floor.stg_aircall__numbers
),
int_phone_numbers_normalised as (
    select * from kpi_floor.int_phone_numbers_normalised
),
int_business_lines_classified as (
    select * from kpi_floor.int_business_lines_classified
),
int_agent_identities_mapped as (
    select * from kpi_floor.int_agent_identities_mapped
),
-- The incremental-only blocks below confuse sqlfluff's indentation rule (LT02) for the rest of the file.
-- noqa: disable=LT02
calls_to_process as (
    select *
    from stg_aircall__calls
),
calls_with_line as (
    select
        calls_to_process.*,
        -- The listed number's digits win; a call on an unlisted number keeps its own.
        coalesce(stg_aircall__numbers.line_digits_raw, calls_to_process.line_digits_raw) as line_raw
    from calls_to_process
    left join stg_aircall__numbers
        on calls_to_process.number_id = stg_aircall__numbers.number_id
),
calls_resolved as (
    select
        calls_with_line.*,
        customer_numbers.number_e164 as customer_number_e164,
        line_numbers.number_e164 as business_line,
        coalesce(int_agent_identities_mapped.agent_id, 'unassigned') as agent_id
    from calls_with_line
    left join int_phone_numbers_normalised as customer_numbers
        on calls_with_line.customer_number_raw = customer_numbers.raw_number
    left join int_phone_numbers_normalised as line_numbers
        on calls_with_line.line_raw = line_numbers.raw_number
    left join int_agent_identities_mapped
        on int_agent_identities_mapped.source_system = 'aircall_user'
            and calls_with_line.user_id = int_agent_identities_mapped.source_id
),
interactions as (
    select
        -- ids
        'call_' || calls_resolved.call_id as interaction_id,
        'call' as interaction_type,
        'aircall' as source_system,
        calls_resolved.call_id as source_id,
        -- Ties on the start second are broken by the numeric vendor id.
        try_cast(calls_resolved.call_id as bigint) as source_sequence,
        calls_resolved.agent_id,
        calls_resolved.user_id as aircall_user_id,
        calls_resolved.number_id as aircall_number_id,
        -- business line and customer
        calls_resolved.business_line,
        coalesce(int_business_lines_classified.channel_group, 'unknown') as channel_group,
        coalesce(int_business_lines_classified.channel, 'unknown') as channel,
        coalesce(int_business_lines_classified.channel_label, 'Unknown') as channel_label,
        calls_resolved.customer_number_e164,
        calls_resolved.direction,
        -- outcome
        calls_resolved.answered_at is not null as is_answered,
        -- A person spoke with the customer: answered inbound, or outbound the customer answered.
        calls_resolved.answered_at is not null as is_handled,
        calls_resolved.direction = 'inbound' and calls_resolved.answered_at is null as is_missed,
        case
            when calls_resolved.direction = 'inbound' and calls_resolved.answered_at is null
                then calls_resolved.missed_reason
        end as missed_reason,
        calls_resolved.has_voicemail,
        calls_resolved.is_archived,
        calls_resolved.call_status,
        -- durations
        case
            when calls_resolved.answered_at is not null
                then cast(epoch(calls_resolved.ended_at) - epoch(calls_resolved.answered_at) as bigint)
        end as talk_seconds,
        case
            when calls_resolved.direction = 'inbound' and calls_resolved.answered_at is not null
                then cast(epoch(calls_resolved.answered_at) - epoch(calls_resolved.started_at) as bigint)
        end as wait_seconds,
        calls_resolved.duration_seconds,
        -- timestamps
        calls_resolved.started_at,
        calls_resolved.answered_at,
        calls_resolved.ended_at,
        cast(timezone('Europe/Paris', calls_resolved.started_at) as date) as started_date,
        calls_resolved.loaded_at,
        -- When this row was (re)computed: fct_calls re-processes what changed.
        getvariable('run_started_at') as processed_at
    from calls_resolved
    left join int_business_lines_classified
        on calls_resolved.business_line = int_business_lines_classified.business_line
)
select * from interactions;

-- int_lead_phone_numbers_unioned
CREATE OR REPLACE TABLE kpi_floor.int_lead_phone_numbers_unioned AS
with
stg_hubspot__contacts as (
    select * from kpi_floor.stg_hubspot__contacts
),
int_phone_numbers_normalised as (
    select * from kpi_floor.int_phone_numbers_normalised
),
raw_numbers as (
    select
        stg_hubspot__contacts.contact_id,
        'phone' as phone_field,
        stg_hubspot__contacts.phone_raw as raw_number
    from stg_hubspot__contacts
    where stg_hubspot__contacts.phone_raw is not null
    union all
    select
        stg_hubspot__contacts.contact_id,
        'mobilephone' as phone_field,
        stg_hubspot__contacts.mobile_phone_raw as raw_number
    from stg_hubspot__contacts
    where stg_hubspot__contacts.mobile_phone_raw is not null
),
normalised as (
    -- Invalid and anonymous numbers match nothing (kpis.md "lead").
    select
        raw_numbers.contact_id,
        raw_numbers.phone_field,
        int_phone_numbers_normalised.number_e164
    from raw_numbers
    inner join int_phone_numbers_normalised
        on raw_numbers.raw_number = int_phone_numbers_normalised.raw_number
    where int_phone_numbers_normalised.is_valid
),
deduplicated as (
    -- The same number typed twice in two formats is one number.
    select
        normalised.contact_id,
        normalised.number_e164,
        min(normalised.phone_field) as phone_field
    from normalised
    group by normalised.contact_id, normalised.number_e164
)
select * from deduplicated;

-- int_lead_interactions_matched
CREATE OR REPLACE TABLE kpi_floor.int_lead_interactions_matched AS
with
int_lead_phone_numbers_unioned as (
    select * from kpi_floor.int_lead_phone_numbers_unioned
),
fct_interactions as (
    select * from kpi_floor.fct_interactions
),
matched as (
    select
        int_lead_phone_numbers_unioned.contact_id,
        fct_interactions.interaction_id,
        fct_interactions.interaction_type,
        fct_interactions.source_sequence,
        fct_interactions.direction,
        fct_interactions.agent_id,
        fct_interactions.channel_group,
        fct_interactions.channel,
        fct_interactions.channel_label,
        fct_interactions.is_answered,
        fct_interactions.is_handled,
        fct_interactions.started_at,
        fct_interactions.answered_at
    from int_lead_phone_numbers_unioned
    inner join fct_interactions
        on int_lead_phone_numbers_unioned.number_e164 = fct_interactions.customer_number_e164
),
deduplicated as (
    -- An interaction reaches one customer number, but two numbers of one lead
    -- cannot make it count twice.
    select distinct * from matched
),
sequenced as (
    -- Time order with a deterministic tie-break on the vendor id.
    select
        deduplicated.*,
        row_number() over (
            partition by deduplicated.contact_id
            order by deduplicated.started_at, deduplicated.source_sequence, deduplicated.interaction_id
        ) as interaction_number
    from deduplicated
)
select * from sequenced;

-- stg_hubspot__deal_contacts
CREATE OR REPLACE TABLE kpi_floor.stg_hubspot__deal_contacts AS
with
source as (
    select * from raw_hubspot.deals
),
unnested as (
    -- Associations ride on the deal record in the list-endpoint shape
    -- (architecture.md), whichever endpoint the connector read.
    select
        cast(source.id as varchar) as deal_id,
        unnest(
            from_json(
                coalesce(source.record -> '$.associations.contacts.results', '[]'),
                '[{"id": "VARCHAR", "type": "VARCHAR"}]'
            )
        ) as association
    from source
),
renamed as (
    select
        -- ids
        unnested.deal_id,
        cast(unnested.association.id as varchar) as contact_id,
        -- strings
        unnested.association.type as association_type
    from unnested
),
deduplicated as (
    -- One contact can be associated several times (several association
    -- labels); the bridge keeps it once.
    select *
    from renamed
    where renamed.contact_id is not null
    qualify row_number() over (
            partition by renamed.deal_id, renamed.contact_id
            order by renamed.association_type
        ) = 1
)
select * from deduplicated;

-- dim_leads
CREATE OR REPLACE TABLE kpi_floor.dim_leads AS
with
stg_hubspot__contacts as (
    select * from kpi_floor.stg_hubspot__contacts
),
int_lead_phone_numbers_unioned as (
    select * from kpi_floor.int_lead_phone_numbers_unioned
),
int_lead_interactions_matched as (
    select * from kpi_floor.int_lead_interactions_matched
),
int_deals_classified as (
    select * from kpi_floor.int_deals_classified
),
stg_hubspot__deal_contacts as (
    select * from kpi_floor.stg_hubspot__deal_contacts
),
int_agent_identities_mapped as (
    select * from kpi_floor.int_agent_identities_mapped
),
leads as (
    -- Every contact is a lead, whatever its lifecycle stage; archived ones are deleted.
    select *
    from stg_hubspot__contacts
    where not stg_hubspot__contacts.is_archived
),
lead_numbers as (
    select
        int_lead_phone_numbers_unioned.contact_id,
        list(int_lead_phone_numbers_unioned.number_e164 order by int_lead_phone_numbers_unioned.number_e164)
            as numbers_e164
    from int_lead_phone_numbers_unioned
    group by int_lead_phone_numbers_unioned.contact_id
),
earliest_interactions as (
    select *
    from int_lead_interactions_matched
    where int_lead_interactions_matched.interaction_number = 1
),
first_handled_interactions as (
    -- No time bound: "the agent of its first handled interaction" (kpis.md).
    select *
    from int_lead_interactions_matched
    where int_lead_interactions_matched.is_handled
    qualify row_number() over (
            partition by int_lead_interactions_matched.contact_id
            order by int_lead_interactions_matched.interaction_number
        ) = 1
),
first_touches as (
    -- The earliest interaction counts as first touch only up to created_at +
    -- grace (inclusive); earlier than creation counts too.
    select earliest_interactions.*
    from earliest_interactions
    inner join leads
        on earliest_interactions.contact_id = leads.contact_id
    where earliest_interactions.started_at
        <= leads.created_at + to_hours(cast(24 as bigint))
),
responses as (
    -- Speed to lead, for an inbound first touch only: the answer of an answered
    -- inbound call (after its wait), the start of an outbound call (an attempt
    -- is a response), or an agent's first message.
    select
        first_touches.contact_id,
        min(
            case
                when int_lead_interactions_matched.direction = 'inbound'
                    then int_lead_interactions_matched.answered_at
                when int_lead_interactions_matched.direction = 'outbound'
                    then int_lead_interactions_matched.started_at
            end
        ) as responded_at
    from first_touches
    inner join int_lead_interactions_matched
        on first_touches.contact_id = int_lead_interactions_matched.contact_id
            and first_touches.started_at <= int_lead_interactions_matched.started_at
    where first_touches.direction = 'inbound'
    group by first_touches.contact_id
),
lead_deals as (
    select
        stg_hubspot__deal_contacts.contact_id,
        count(*) as opportunities,
        bool_or(int_deals_classified.is_won) as has_won_opportunity
    from stg_hubspot__deal_contacts
    inner join int_deals_classified
        on stg_hubspot__deal_contacts.deal_id = int_deals_classified.deal_id
    group by stg_hubspot__deal_contacts.contact_id
),
resolved as (
    select
        -- ids
        leads.contact_id,
        leads.owner_id,
        coalesce(owner_agents.agent_id, 'unassigned') as owner_agent_id,
        first_touches.interaction_id as first_touch_interaction_id,
        first_handled_interactions.interaction_id as first_handled_interaction_id,
        coalesce(first_handled_interactions.agent_id, 'unassigned') as first_touch_agent_id,
        -- channel: the first touch's line, outbound_* when the company called
        -- first, else the CRM original source, else unknown
        case
            when first_touches.direction = 'outbound' then 'outbound'
            when first_touches.interaction_id is not null then first_touches.channel_group
            when leads.original_source is not null then 'crm'
            else 'unknown'
        end as channel_group,
        case
            when first_touches.direction = 'outbound' then 'outbound_' || first_touches.interaction_type
            when first_touches.interaction_id is not null then first_touches.channel
            when leads.original_source is not null then 'crm_' || lower(leads.original_source)
            else 'unknown'
        end as channel,
        first_touches.channel_label as first_touch_line_channel_label,
        -- strings
        leads.original_source,
        leads.lifecycle_stage,
        first_touches.direction as first_touch_direction,
        coalesce(lead_numbers.numbers_e164, []) as numbers_e164,
        -- numerics
        case
            when responses.responded_at is not null
                then cast(epoch(responses.responded_at) - epoch(first_touches.started_at) as bigint)
        end as response_seconds,
        coalesce(lead_deals.opportunities, 0) as opportunities,
        -- booleans
        first_touches.interaction_id is not null as has_first_touch,
        coalesce(first_touches.direction = 'inbound' and responses.responded_at is not null, false)
            as is_responded,
        coalesce(lead_deals.opportunities, 0) > 0 as has_opportunity,
        coalesce(lead_deals.has_won_opportunity, false) as is_won,
        -- timestamps
        leads.created_at,
        cast(timezone('Europe/Paris', leads.created_at) as date) as created_date,
        first_touches.started_at as first_touch_at,
        first_handled_interactions.started_at as first_handled_at,
        responses.responded_at
    from leads
    left join lead_numbers
        on leads.contact_id = lead_numbers.contact_id
    left join first_touches
        on leads.contact_id = first_touches.contact_id
    left join first_handled_interactions
        on leads.contact_id = first_handled_interactions.contact_id
    left join responses
        on leads.contact_id = responses.contact_id
    left join lead_deals
        on leads.contact_id = lead_deals.contact_id
    left join int_agent_identities_mapped as owner_agents
        on owner_agents.source_system = 'hubspot_owner'
            and leads.owner_id = owner_agents.source_id
),
labelled as (
    select
        resolved.* exclude (resolved.first_touch_line_channel_label),
        case
            when resolved.first_touch_interaction_id is not null and resolved.first_touch_direction = 'inbound'
                then resolved.first_touch_line_channel_label
            else case
        when resolved.channel = 'phone_toll_free' then 'Toll-free number'
        when resolved.channel = 'phone_geographic' then 'Geographic number'
        when resolved.channel = 'phone_national' then 'National number (VoIP)'
        when resolved.channel = 'phone_mobile' then 'Mobile line'
        when resolved.channel = 'phone_premium' then 'Premium-rate number'
        when resolved.channel = 'whatsapp' then 'WhatsApp'
        when resolved.channel = 'sms' then 'SMS'
        when resolved.channel = 'web_chat' then 'Web chat'
        when resolved.channel = 'outbound_call' then 'Outbound call'
        when resolved.channel = 'outbound_message' then 'Outbound message'
        when starts_with(resolved.channel, 'crm_')
            then 'CRM: '
            || upper(substr(replace(substr(resolved.channel, 5), '_', ' '), 1, 1))
            || substr(replace(substr(resolved.channel, 5), '_', ' '), 2)
        else 'Unknown'
    end
        end as channel_label
    from resolved
)
select * from labelled;

-- fct_opportunities
CREATE OR REPLACE TABLE kpi_floor.fct_opportunities AS
with
int_deals_classified as (
    select * from kpi_floor.int_deals_classified
),
stg_hubspot__deal_contacts as (
    select * from kpi_floor.stg_hubspot__deal_contacts
),
dim_leads as (
    select * from kpi_floor.dim_leads
),
associated_leads as (
    -- Only contacts that exist (non-archived) are associated leads.
    select
        stg_hubspot__deal_contacts.deal_id,
        dim_leads.contact_id,
        dim_leads.created_at,
        dim_leads.channel_group,
        dim_leads.channel,
        dim_leads.channel_label
    from stg_hubspot__deal_contacts
    inner join dim_leads
        on stg_hubspot__deal_contacts.contact_id = dim_leads.contact_id
),
primary_contacts as (
    -- The primary contact is the earliest-created associated contact (ties: lowest id).
    select
        associated_leads.*,
        count(*) over (partition by associated_leads.deal_id) as associated_contacts
    from associated_leads
    qualify row_number() over (
            partition by associated_leads.deal_id
            order by
                associated_leads.created_at,
                try_cast(associated_leads.contact_id as bigint) nulls first,
                associated_leads.contact_id
        ) = 1
),
opportunities as (
    select
        -- ids
        int_deals_classified.deal_id,
        int_deals_classified.pipeline_id,
        int_deals_classified.deal_stage_id,
        int_deals_classified.owner_id,
        int_deals_classified.owner_agent_id,
        primary_contacts.contact_id as primary_contact_id,
        -- strings
        int_deals_classified.deal_name,
        int_deals_classified.pipeline,
        int_deals_classified.deal_status,
        -- Opportunity channel = first-touch channel of its primary contact.
        coalesce(primary_contacts.channel_group, 'unknown') as channel_group,
        coalesce(primary_contacts.channel, 'unknown') as channel,
        coalesce(primary_contacts.channel_label, 'Unknown') as channel_label,
        int_deals_classified.currency_code,
        -- numerics
        int_deals_classified.amount,
        int_deals_classified.amount_reporting,
        int_deals_classified.revenue,
        coalesce(primary_contacts.associated_contacts, 0) as associated_contacts,
        -- booleans
        int_deals_classified.is_won,
        int_deals_classified.is_lost,
        int_deals_classified.is_closed,
        -- timestamps
        int_deals_classified.created_at,
        cast(timezone('Europe/Paris', int_deals_classified.created_at) as date) as created_date,
        int_deals_classified.closed_at,
        cast(timezone('Europe/Paris', int_deals_classified.closed_at) as date) as closed_date,
        -- Attribution looks at touches up to the close, or up to now for open deals.
        coalesce(int_deals_classified.closed_at, getvariable('run_started_at')) as attribution_ends_at
    from int_deals_classified
    left join primary_contacts
        on int_deals_classified.deal_id = primary_contacts.deal_id
)
select * from opportunities;

-- fct_orders
CREATE OR REPLACE TABLE kpi_floor.fct_orders AS
with
fct_opportunities as (
    select * from kpi_floor.fct_opportunities
),
orders as (
    -- An order counts once, for the deal's primary contact (kpis.md).
    select
        -- ids
        fct_opportunities.deal_id as order_id,
        fct_opportunities.deal_id,
        fct_opportunities.primary_contact_id as contact_id,
        fct_opportunities.owner_agent_id,
        -- strings
        fct_opportunities.pipeline,
        -- numerics: the amount at close, in the reporting currency
        fct_opportunities.revenue as amount,
        -- timestamps
        fct_opportunities.closed_at as ordered_at,
        fct_opportunities.closed_date as order_date,
        cast(date_trunc('month', timezone('Europe/Paris', fct_opportunities.closed_at)) as date) as order_month
    from fct_opportunities
    where fct_opportunities.is_won
        and fct_opportunities.primary_contact_id is not null
        -- The order date is the close date: a won deal without one has no order day.
        and fct_opportunities.closed_at is not null
)
select * from orders;

-- int_customer_keys_hashed (a Python model in dbt): one HMAC per distinct contact id, by a UDF
CREATE OR REPLACE TABLE kpi_floor.int_customer_keys_hashed AS
select contact_id, customer_key(contact_id) as customer_key
from (select distinct contact_id from kpi_floor.stg_hubspot__contacts);

-- dim_customers
CREATE OR REPLACE TABLE kpi_floor.dim_customers AS
with
fct_orders as (
    select * from kpi_floor.fct_orders
),
dim_leads as (
    select * from kpi_floor.dim_leads
),
int_customer_keys_hashed as (
    select * from kpi_floor.int_customer_keys_hashed
),
customer_orders as (
    select
        fct_orders.contact_id,
        count(*) as orders,
        sum(fct_orders.amount) as revenue,
        min(fct_orders.ordered_at) as first_order_at,
        max(fct_orders.ordered_at) as last_order_at,
        min(fct_orders.order_date) as first_order_date,
        max(fct_orders.order_date) as last_order_date,
        min(fct_orders.order_month) as first_order_month
    from fct_orders
    group by fct_orders.contact_id
),
customers as (
    select
        -- ids
        customer_orders.contact_id,
        int_customer_keys_hashed.customer_key,
        -- acquisition = the lead's first-touch channel and agent
        dim_leads.first_touch_agent_id as acquisition_agent_id,
        -- owner = the contact's CRM owner
        dim_leads.owner_agent_id,
        -- strings
        dim_leads.channel_group as acquisition_channel_group,
        dim_leads.channel as acquisition_channel,
        dim_leads.channel_label as acquisition_channel_label,
        -- numerics
        customer_orders.orders,
        customer_orders.revenue,
        case when customer_orders.orders > 1 then 1 else 0 end as is_repeat_customer,
        -- dates
        customer_orders.first_order_at,
        customer_orders.last_order_at,
        customer_orders.first_order_date,
        customer_orders.last_order_date,
        customer_orders.first_order_month
    from customer_orders
    inner join dim_leads
        on customer_orders.contact_id = dim_leads.contact_id
    left join int_customer_keys_hashed
        on customer_orders.contact_id = int_customer_keys_hashed.contact_id
)
select * from customers;

-- fct_calls
CREATE OR REPLACE TABLE kpi_floor.fct_calls AS
with
fct_interactions as (
    select * from kpi_floor.fct_interactions
),
calls as (
    select *
    from fct_interactions
    where fct_interactions.interaction_type = 'call'
),
calls_in_scope as (
    select calls.*
    from calls
),
callback_candidates as (
    -- kpis.md: an outbound call to the number (answered or not) or an answered
    -- inbound call from it.
    select
        calls_in_scope.customer_number_e164,
        calls_in_scope.started_at
    from calls_in_scope
    where calls_in_scope.customer_number_e164 is not null
        and (calls_in_scope.direction = 'outbound' or calls_in_scope.is_answered)
),
missed_callbacks as (
    -- Only a valid caller number can be called back (never anonymous); the
    -- callback starts strictly after the missed call, windows are inclusive.
    select
        calls_in_scope.source_id as call_id,
        min(callback_candidates.started_at) as first_callback_at
    from calls_in_scope
    inner join callback_candidates
        on calls_in_scope.customer_number_e164 = callback_candidates.customer_number_e164
            and calls_in_scope.started_at < callback_candidates.started_at
            and callback_candidates.started_at <= calls_in_scope.started_at + interval 24 hours
    where calls_in_scope.is_missed
    group by calls_in_scope.source_id
),
calls_with_callbacks as (
    select
        calls_in_scope.source_id as call_id,
        calls_in_scope.interaction_id,
        calls_in_scope.agent_id,
        calls_in_scope.aircall_user_id,
        calls_in_scope.aircall_number_id,
        calls_in_scope.business_line,
        calls_in_scope.channel_group,
        calls_in_scope.channel,
        calls_in_scope.channel_label,
        calls_in_scope.customer_number_e164,
        calls_in_scope.direction,
        calls_in_scope.call_status,
        calls_in_scope.is_answered,
        calls_in_scope.is_missed,
        calls_in_scope.missed_reason,
        coalesce(calls_in_scope.missed_reason = 'out_of_opening_hours', false) as is_missed_out_of_hours,
        calls_in_scope.has_voicemail,
        calls_in_scope.is_archived,
        calls_in_scope.talk_seconds,
        calls_in_scope.wait_seconds,
        calls_in_scope.duration_seconds,
        calls_in_scope.started_at,
        calls_in_scope.answered_at,
        calls_in_scope.ended_at,
        calls_in_scope.started_date,
        missed_callbacks.first_callback_at,
        coalesce(
            missed_callbacks.first_callback_at <= calls_in_scope.started_at + interval 1 hour, false
        ) as is_missed_called_back_1h,
        missed_callbacks.first_callback_at is not null as is_missed_called_back_24h,
        calls_in_scope.loaded_at,
        calls_in_scope.processed_at
    from calls_in_scope
    left join missed_callbacks
        on calls_in_scope.source_id = missed_callbacks.call_id
)
select * from calls_with_callbacks;

-- fct_opportunity_agent_credits
CREATE OR REPLACE TABLE kpi_floor.fct_opportunity_agent_credits AS
with
fct_opportunities as (
    select * from kpi_floor.fct_opportunities
),
stg_hubspot__deal_contacts as (
    select * from kpi_floor.stg_hubspot__deal_contacts
),
dim_leads as (
    select * from kpi_floor.dim_leads
),
int_lead_interactions_matched as (
    select * from kpi_floor.int_lead_interactions_matched
),
deal_handled_interactions as (
    -- Handled interactions with any associated (existing) contact, each once
    -- even when two contacts share a number.
    select distinct
        stg_hubspot__deal_contacts.deal_id,
        int_lead_interactions_matched.interaction_id,
        int_lead_interactions_matched.source_sequence,
        int_lead_interactions_matched.agent_id,
        int_lead_interactions_matched.started_at
    from stg_hubspot__deal_contacts
    inner join dim_leads
        on stg_hubspot__deal_contacts.contact_id = dim_leads.contact_id
    inner join int_lead_interactions_matched
        on stg_hubspot__deal_contacts.contact_id = int_lead_interactions_matched.contact_id
    where int_lead_interactions_matched.is_handled
),
primary_first_handled as (
    -- The primary contact's first handled interaction (no time bound).
    select
        fct_opportunities.deal_id,
        int_lead_interactions_matched.agent_id,
        int_lead_interactions_matched.started_at
    from fct_opportunities
    inner join dim_leads
        on fct_opportunities.primary_contact_id = dim_leads.contact_id
    inner join int_lead_interactions_matched
        on dim_leads.contact_id = int_lead_interactions_matched.contact_id
            and dim_leads.first_handled_interaction_id = int_lead_interactions_matched.interaction_id
),
owner_credits as (
    -- The owner role covers every deal (unassigned for an unowned deal).
    select
        fct_opportunities.deal_id,
        'owner' as credit_role,
        fct_opportunities.owner_agent_id as agent_id,
        1 as agent_count
    from fct_opportunities
),
first_touch_credits as (
    select
        primary_first_handled.deal_id,
        'first_touch' as credit_role,
        primary_first_handled.agent_id,
        1 as agent_count
    from primary_first_handled
),
last_touch_credits as (
    -- The last handled touch at or before the close (or now, for open deals).
    select
        deal_handled_interactions.deal_id,
        'last_touch' as credit_role,
        deal_handled_interactions.agent_id,
        1 as agent_count
    from deal_handled_interactions
    inner join fct_opportunities
        on deal_handled_interactions.deal_id = fct_opportunities.deal_id
    where deal_handled_interactions.started_at <= fct_opportunities.attribution_ends_at
    qualify row_number() over (
            partition by deal_handled_interactions.deal_id
            order by
                deal_handled_interactions.started_at desc,
                deal_handled_interactions.source_sequence desc,
                deal_handled_interactions.interaction_id desc
        ) = 1
),
assist_agents as (
    -- Every distinct agent handling a touch between the primary contact's first
    -- handled interaction and the close (or now), both ends included.
    select distinct
        deal_handled_interactions.deal_id,
        deal_handled_interactions.agent_id
    from deal_handled_interactions
    inner join fct_opportunities
        on deal_handled_interactions.deal_id = fct_opportunities.deal_id
    inner join primary_first_handled
        on deal_handled_interactions.deal_id = primary_first_handled.deal_id
    where deal_handled_interactions.started_at >= primary_first_handled.started_at
        and deal_handled_interactions.started_at <= fct_opportunities.attribution_ends_at
),
assist_credits as (
    select
        assist_agents.deal_id,
        'assist' as credit_role,
        assist_agents.agent_id,
        count(*) over (partition by assist_agents.deal_id) as agent_count
    from assist_agents
),
unioned as (
    select * from owner_credits
    union all
    select * from first_touch_credits
    union all
    select * from last_touch_credits
    union all
    select * from assist_credits
),
credited as (
    select
        unioned.deal_id || ':' || unioned.credit_role || ':' || unioned.agent_id as credit_id,
        unioned.deal_id,
        unioned.credit_role,
        unioned.agent_id,
        -- 1 for owner, first and last touch; 1/N for each of N assists, so summing
        -- credited values over one role never double counts.
        cast(1.0 / unioned.agent_count as decimal(18, 12)) as credit_share,
        unioned.agent_count as role_agent_count
    from unioned
)
select * from credited;

-- int_conversations_unioned
CREATE OR REPLACE TABLE kpi_floor.int_conversations_unioned AS
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
select * from unioned;

-- stg_hubspot__goal_targets
CREATE OR REPLACE TABLE kpi_floor.stg_hubspot__goal_targets AS
with
source as (
    select * from raw_hubspot.goal_targets
),
renamed as (
    select
        -- ids
        cast(source.id as varchar) as goal_target_id,
        nullif(trim(source.record ->> '$.properties.hs_assignee_user_id'), '') as assignee_user_id,
        nullif(trim(source.record ->> '$.properties.hubspot_owner_id'), '') as owner_id,
        -- strings
        source.record ->> '$.properties.hs_goal_name' as goal_name,
        source.record ->> '$.properties.hs_goal_type' as goal_type,
        -- numerics
        cast(
            nullif(trim(source.record ->> '$.properties.hs_target_amount'), '') as decimal(38, 6)
        ) as target_amount,
        -- booleans
        source.is_archived or coalesce(cast(source.record ->> '$.archived' as boolean), false) as is_archived,
        -- timestamps
        case
        when nullif(trim(source.record ->> '$.properties.hs_start_datetime'), '') is null then null
        when regexp_full_match(trim(source.record ->> '$.properties.hs_start_datetime'), '[0-9]+')
            then make_timestamptz(cast(trim(source.record ->> '$.properties.hs_start_datetime') as bigint) * 1000)
        else cast(trim(source.record ->> '$.properties.hs_start_datetime') as timestamptz)
    end as starts_at,
        case
        when nullif(trim(source.record ->> '$.properties.hs_end_datetime'), '') is null then null
        when regexp_full_match(trim(source.record ->> '$.properties.hs_end_datetime'), '[0-9]+')
            then make_timestamptz(cast(trim(source.record ->> '$.properties.hs_end_datetime') as bigint) * 1000)
        else cast(trim(source.record ->> '$.properties.hs_end_datetime') as timestamptz)
    end as ends_at,
        source.modified_at,
        source._loaded_at as loaded_at
    from source
)
select * from renamed;

-- int_targets_allocated_to_months
CREATE OR REPLACE TABLE kpi_floor.int_targets_allocated_to_months AS
with
stg_hubspot__goal_targets as (
    select * from kpi_floor.stg_hubspot__goal_targets
),
sales_targets as (
    select * from kpi_floor.sales_targets
),
int_agent_identities_mapped as (
    select * from kpi_floor.int_agent_identities_mapped
),
goals as (
    select *
    from stg_hubspot__goal_targets
    where not stg_hubspot__goal_targets.is_archived
        and stg_hubspot__goal_targets.target_amount is not null
        and stg_hubspot__goal_targets.starts_at is not null
        and stg_hubspot__goal_targets.ends_at is not null
),
goals_with_agent as (
    -- The assignee is a HubSpot user id (owner.userId); an owner id is the fallback.
    select
        goals.goal_target_id,
        goals.target_amount,
        coalesce(user_agents.agent_id, owner_agents.agent_id) as agent_id,
        cast(date_trunc('month', timezone('Europe/Paris', goals.starts_at)) as date) as first_month,
        cast(date_trunc('month', timezone('Europe/Paris', goals.ends_at)) as date) as last_month
    from goals
    left join int_agent_identities_mapped as user_agents
        on user_agents.source_system = 'hubspot_user'
            and goals.assignee_user_id = user_agents.source_id
    left join int_agent_identities_mapped as owner_agents
        on owner_agents.source_system = 'hubspot_owner'
            and goals.owner_id = owner_agents.source_id
),
goal_months as (
    -- A goal covers the local months from its local start to its local end,
    -- split evenly across them.
    select
        'goal:' || goals_with_agent.goal_target_id as target_source_id,
        goals_with_agent.agent_id,
        cast(
            unnest(generate_series(goals_with_agent.first_month, goals_with_agent.last_month, interval 1 month)) as date
        )
            as month,
        cast(goals_with_agent.target_amount as decimal(38, 10))
        / cast(date_diff('month', goals_with_agent.first_month, goals_with_agent.last_month) + 1 as decimal(38, 10))
            as target_amount
    from goals_with_agent
    where goals_with_agent.agent_id is not null
        and goals_with_agent.last_month >= goals_with_agent.first_month
),
seed_months as (
    -- The sales team's seed is used only when the CRM has no goals at all.
    select
        'seed:' || lower(trim(sales_targets.agent_email)) || ':' || cast(sales_targets.month as varchar)
            as target_source_id,
        case
        when nullif(trim(sales_targets.agent_email), '') is not null
            then substr(md5(lower(trim(sales_targets.agent_email))), 1, 12)
        else sales_targets.agent_email
    end as agent_id,
        cast(date_trunc('month', sales_targets.month) as date) as month,
        sales_targets.target_amount
    from sales_targets
    where not exists (select 1 from goals)
),
unioned as (
    select * from goal_months
    union all
    select * from seed_months
),
rounded as (
    select
        unioned.target_source_id,
        unioned.agent_id,
        unioned.month,
        -- Kept unrounded: kpi_targets_monthly rounds once per agent-month.
        cast(unioned.target_amount as decimal(38, 10)) as target_amount
    from unioned
)
select * from rounded;

-- kpi_agent_credit_daily
CREATE OR REPLACE TABLE kpi_floor.kpi_agent_credit_daily AS
with
fct_opportunity_agent_credits as (
    select * from kpi_floor.fct_opportunity_agent_credits
),
fct_opportunities as (
    select * from kpi_floor.fct_opportunities
),
dim_agents as (
    select * from kpi_floor.dim_agents
),
credits as (
    select
        fct_opportunity_agent_credits.credit_role,
        fct_opportunity_agent_credits.agent_id,
        fct_opportunity_agent_credits.credit_share,
        fct_opportunities.channel_group,
        fct_opportunities.channel,
        fct_opportunities.channel_label,
        fct_opportunities.created_date,
        fct_opportunities.closed_date,
        fct_opportunities.is_won,
        fct_opportunities.revenue
    from fct_opportunity_agent_credits
    inner join fct_opportunities
        on fct_opportunity_agent_credits.deal_id = fct_opportunities.deal_id
),
created_events as (
    -- Each deal counts in full on every (role, agent) row; lost deals only here.
    select
        credits.created_date as date,
        credits.channel_group,
        credits.channel,
        credits.channel_label,
        credits.agent_id,
        credits.credit_role,
        1 as opportunities_created,
        0 as opportunities_won,
        cast(0 as decimal(18, 2)) as revenue_won,
        cast(0 as decimal(38, 12)) as credited_opportunities_won,
        cast(0 as decimal(38, 12)) as credited_revenue_won
    from credits
),
won_events as (
    -- Only credited_* are multiplied by the credit share.
    select
        credits.closed_date as date,
        credits.channel_group,
        credits.channel,
        credits.channel_label,
        credits.agent_id,
        credits.credit_role,
        0 as opportunities_created,
        1 as opportunities_won,
        credits.revenue as revenue_won,
        cast(credits.credit_share as decimal(38, 12)) as credited_opportunities_won,
        cast(cast(credits.revenue as decimal(38, 2)) * credits.credit_share as decimal(38, 12)) as credited_revenue_won
    from credits
    where credits.is_won
        and credits.closed_date is not null
),
unioned as (
    select * from created_events
    union all
    select * from won_events
),
aggregated as (
    select
        unioned.date,
        unioned.channel_group,
        unioned.channel,
        unioned.channel_label,
        unioned.agent_id,
        unioned.credit_role,
        sum(unioned.opportunities_created) as opportunities_created,
        sum(unioned.opportunities_won) as opportunities_won,
        sum(unioned.revenue_won) as revenue_won,
        sum(unioned.credited_opportunities_won) as credited_opportunities_won,
        sum(unioned.credited_revenue_won) as credited_revenue_won
    from unioned
    group by all
),
final as (
    select
        aggregated.date,
        aggregated.channel_group,
        aggregated.channel,
        aggregated.channel_label,
        aggregated.agent_id,
        dim_agents.agent_name,
        dim_agents.team,
        aggregated.credit_role,
        cast(aggregated.opportunities_created as bigint) as opportunities_created,
        cast(aggregated.opportunities_won as bigint) as opportunities_won,
        cast(aggregated.revenue_won as decimal(18, 2)) as revenue_won,
        -- 1/N shares keep 12 decimals so per-role sums stay exact to the cent.
        cast(aggregated.credited_opportunities_won as decimal(38, 12)) as credited_opportunities_won,
        cast(aggregated.credited_revenue_won as decimal(38, 12)) as credited_revenue_won
    from aggregated
    left join dim_agents
        on aggregated.agent_id = dim_agents.agent_id
    order by
        aggregated.date,
        aggregated.channel,
        aggregated.agent_id,
        aggregated.credit_role
)
select * from final;

-- kpi_calls_daily
CREATE OR REPLACE TABLE kpi_floor.kpi_calls_daily AS
with
fct_calls as (
    select * from kpi_floor.fct_calls
),
dim_agents as (
    select * from kpi_floor.dim_agents
),
aggregated as (
    -- The channel columns are the business line's, for outbound calls too.
    select
        fct_calls.started_date as date,
        fct_calls.channel_group,
        fct_calls.channel,
        fct_calls.channel_label,
        fct_calls.business_line,
        fct_calls.agent_id,
        fct_calls.direction,
        count(*) as calls,
        count(*) filter (where fct_calls.is_answered) as answered_calls,
        count(*) filter (where fct_calls.is_missed) as missed_calls,
        count(*) filter (where fct_calls.is_missed and fct_calls.is_missed_out_of_hours) as missed_out_of_hours,
        count(*) filter (where fct_calls.has_voicemail) as voicemails,
        coalesce(sum(fct_calls.talk_seconds), 0) as talk_seconds,
        coalesce(sum(fct_calls.wait_seconds), 0) as wait_seconds,
        count(*) filter (where fct_calls.is_missed_called_back_1h) as missed_called_back_1h,
        count(*) filter (where fct_calls.is_missed_called_back_24h) as missed_called_back_24h
    from fct_calls
    group by all
),
final as (
    select
        aggregated.date,
        aggregated.channel_group,
        aggregated.channel,
        aggregated.channel_label,
        aggregated.business_line,
        aggregated.agent_id,
        dim_agents.agent_name,
        dim_agents.team,
        aggregated.direction,
        cast(aggregated.calls as bigint) as calls,
        cast(aggregated.answered_calls as bigint) as answered_calls,
        cast(aggregated.missed_calls as bigint) as missed_calls,
        cast(aggregated.missed_out_of_hours as bigint) as missed_out_of_hours,
        cast(aggregated.voicemails as bigint) as voicemails,
        cast(aggregated.talk_seconds as bigint) as talk_seconds,
        cast(aggregated.wait_seconds as bigint) as wait_seconds,
        cast(aggregated.missed_called_back_1h as bigint) as missed_called_back_1h,
        cast(aggregated.missed_called_back_24h as bigint) as missed_called_back_24h
    from aggregated
    left join dim_agents
        on aggregated.agent_id = dim_agents.agent_id
    order by aggregated.date, aggregated.business_line, aggregated.agent_id, aggregated.direction
)
select * from final;

-- kpi_conversations_daily
CREATE OR REPLACE TABLE kpi_floor.kpi_conversations_daily AS
with
int_conversations_unioned as (
    select * from kpi_floor.int_conversations_unioned
),
channel_mapping as (
    select * from kpi_floor.channel_mapping
),
dim_agents as (
    select * from kpi_floor.dim_agents
),
conversations_classified as (
    -- The seed may rename a messaging line's channel, as for phone lines; the
    -- group stays messaging. Replies count for inbound conversations only.
    select
        int_conversations_unioned.*,
        cast(timezone('Europe/Paris', int_conversations_unioned.started_at) as date) as date,
        coalesce(channel_mapping.channel, int_conversations_unioned.channel) as mapped_channel,
        coalesce(
            channel_mapping.channel_label,
            case
        when int_conversations_unioned.channel = 'phone_toll_free' then 'Toll-free number'
        when int_conversations_unioned.channel = 'phone_geographic' then 'Geographic number'
        when int_conversations_unioned.channel = 'phone_national' then 'National number (VoIP)'
        when int_conversations_unioned.channel = 'phone_mobile' then 'Mobile line'
        when int_conversations_unioned.channel = 'phone_premium' then 'Premium-rate number'
        when int_conversations_unioned.channel = 'whatsapp' then 'WhatsApp'
        when int_conversations_unioned.channel = 'sms' then 'SMS'
        when int_conversations_unioned.channel = 'web_chat' then 'Web chat'
        when int_conversations_unioned.channel = 'outbound_call' then 'Outbound call'
        when int_conversations_unioned.channel = 'outbound_message' then 'Outbound message'
        when starts_with(int_conversations_unioned.channel, 'crm_')
            then 'CRM: '
            || upper(substr(replace(substr(int_conversations_unioned.channel, 5), '_', ' '), 1, 1))
            || substr(replace(substr(int_conversations_unioned.channel, 5), '_', ' '), 2)
        else 'Unknown'
    end
        ) as channel_label,
        coalesce(int_conversations_unioned.agent_id, 'unassigned') as credited_agent_id,
        case
            when
                int_conversations_unioned.direction = 'inbound'
                and int_conversations_unioned.first_agent_response_at is not null
                then cast(epoch(int_conversations_unioned.first_agent_response_at) - epoch(int_conversations_unioned.first_customer_message_at) as bigint)
        end as first_response_seconds
    from int_conversations_unioned
    left join channel_mapping
        on int_conversations_unioned.business_line = trim(channel_mapping.business_line)
),
aggregated as (
    select
        conversations_classified.date,
        conversations_classified.mapped_channel as channel,
        conversations_classified.channel_label,
        conversations_classified.business_line,
        conversations_classified.credited_agent_id as agent_id,
        conversations_classified.direction,
        count(*) as conversations,
        count(conversations_classified.first_response_seconds) as replied_conversations,
        coalesce(sum(conversations_classified.first_response_seconds), 0) as first_response_seconds,
        count(*) filter (
            where conversations_classified.first_response_seconds <= 300
        ) as replied_within_5m,
        coalesce(sum(conversations_classified.messages_in), 0) as messages_in,
        coalesce(sum(conversations_classified.messages_out), 0) as messages_out
    from conversations_classified
    group by all
),
final as (
    select
        aggregated.date,
        'messaging' as channel_group,
        aggregated.channel,
        aggregated.channel_label,
        aggregated.business_line,
        aggregated.agent_id,
        dim_agents.agent_name,
        dim_agents.team,
        aggregated.direction,
        cast(aggregated.conversations as bigint) as conversations,
        cast(aggregated.replied_conversations as bigint) as replied_conversations,
        cast(aggregated.first_response_seconds as bigint) as first_response_seconds,
        cast(aggregated.replied_within_5m as bigint) as replied_within_5m,
        cast(aggregated.messages_in as bigint) as messages_in,
        cast(aggregated.messages_out as bigint) as messages_out
    from aggregated
    left join dim_agents
        on aggregated.agent_id = dim_agents.agent_id
    order by
        aggregated.date,
        aggregated.business_line,
        aggregated.channel,
        aggregated.agent_id,
        aggregated.direction
)
select * from final;

-- kpi_customer_cohorts
CREATE OR REPLACE TABLE kpi_floor.kpi_customer_cohorts AS
with
fct_orders as (
    select * from kpi_floor.fct_orders
),
dim_customers as (
    select * from kpi_floor.dim_customers
),
month_spine as (
    select cast(unnest(generate_series(
        (select min(dim_customers.first_order_month) from dim_customers),
        cast(date_trunc('month', timezone('Europe/Paris', getvariable('run_started_at'))) as date),
        interval 1 month
    )) as date) as month
),
cohort_sizes as (
    select
        dim_customers.first_order_month as cohort_month,
        count(*) as cohort_customers
    from dim_customers
    group by all
),
triangle as (
    -- Every cohort month that has customers, every month from it up to now.
    select
        cohort_sizes.cohort_month,
        activity_months.month as activity_month,
        date_diff('month', cohort_sizes.cohort_month, activity_months.month) as months_since_first_order
    from cohort_sizes
    inner join month_spine as activity_months
        on cohort_sizes.cohort_month <= activity_months.month
),
cohort_activity as (
    select
        dim_customers.first_order_month as cohort_month,
        fct_orders.order_month as activity_month,
        count(distinct fct_orders.contact_id) as active_customers,
        sum(fct_orders.amount) as revenue
    from fct_orders
    inner join dim_customers
        on fct_orders.contact_id = dim_customers.contact_id
    group by all
),
final as (
    select
        triangle.cohort_month,
        cast(triangle.months_since_first_order as bigint) as months_since_first_order,
        cast(cohort_sizes.cohort_customers as bigint) as cohort_customers,
        cast(coalesce(cohort_activity.active_customers, 0) as bigint) as active_customers,
        cast(coalesce(cohort_activity.revenue, 0) as decimal(18, 2)) as revenue
    from triangle
    inner join cohort_sizes
        on triangle.cohort_month = cohort_sizes.cohort_month
    left join cohort_activity
        on triangle.cohort_month = cohort_activity.cohort_month
            and triangle.activity_month = cohort_activity.activity_month
    order by triangle.cohort_month, triangle.months_since_first_order
)
select * from final;

-- kpi_customers
CREATE OR REPLACE TABLE kpi_floor.kpi_customers AS
with
dim_customers as (
    select * from kpi_floor.dim_customers
),
final as (
    -- Pseudonymised: the HMAC key of the contact id, never a phone, e-mail or name.
    select
        dim_customers.customer_key,
        dim_customers.acquisition_channel_group,
        dim_customers.acquisition_channel,
        dim_customers.acquisition_agent_id,
        dim_customers.owner_agent_id,
        dim_customers.first_order_date,
        dim_customers.last_order_date,
        cast(dim_customers.orders as bigint) as orders,
        cast(dim_customers.revenue as decimal(18, 2)) as revenue,
        cast(dim_customers.is_repeat_customer as bigint) as is_repeat_customer
    from dim_customers
    order by dim_customers.customer_key
)
select * from final;

-- kpi_leads_daily
CREATE OR REPLACE TABLE kpi_floor.kpi_leads_daily AS
with
dim_leads as (
    select * from kpi_floor.dim_leads
),
dim_agents as (
    select * from kpi_floor.dim_agents
),
aggregated as (
    select
        dim_leads.created_date as date,
        dim_leads.channel_group,
        dim_leads.channel,
        dim_leads.channel_label,
        dim_leads.first_touch_agent_id as agent_id,
        count(*) as leads_created,
        count(*) filter (where dim_leads.has_opportunity) as leads_with_opportunity,
        count(*) filter (where dim_leads.is_won) as leads_won,
        count(*) filter (where dim_leads.is_responded) as leads_responded,
        coalesce(sum(dim_leads.response_seconds) filter (where dim_leads.is_responded), 0) as response_seconds,
        -- The 5-minute limit is inclusive.
        count(*) filter (where dim_leads.is_responded and dim_leads.response_seconds <= 300)
            as leads_responded_within_5m
    from dim_leads
    group by all
),
final as (
    select
        aggregated.date,
        aggregated.channel_group,
        aggregated.channel,
        aggregated.channel_label,
        aggregated.agent_id,
        dim_agents.agent_name,
        dim_agents.team,
        cast(aggregated.leads_created as bigint) as leads_created,
        cast(aggregated.leads_with_opportunity as bigint) as leads_with_opportunity,
        cast(aggregated.leads_won as bigint) as leads_won,
        cast(aggregated.leads_responded as bigint) as leads_responded,
        cast(aggregated.response_seconds as bigint) as response_seconds,
        cast(aggregated.leads_responded_within_5m as bigint) as leads_responded_within_5m
    from aggregated
    left join dim_agents
        on aggregated.agent_id = dim_agents.agent_id
    order by aggregated.date, aggregated.channel, aggregated.agent_id
)
select * from final;

-- kpi_retention_monthly
CREATE OR REPLACE TABLE kpi_floor.kpi_retention_monthly AS
with
fct_orders as (
    select * from kpi_floor.fct_orders
),
dim_customers as (
    select * from kpi_floor.dim_customers
),
customer_order_months as (
    select distinct
        fct_orders.contact_id,
        dim_customers.acquisition_channel_group as channel_group,
        dim_customers.acquisition_channel as channel,
        fct_orders.order_month,
        dim_customers.first_order_month
    from fct_orders
    inner join dim_customers
        on fct_orders.contact_id = dim_customers.contact_id
),
month_spine as (
    -- From the first order month to the run's month (reporting zone).
    select cast(unnest(generate_series(
        (select min(customer_order_months.order_month) from customer_order_months),
        cast(date_trunc('month', timezone('Europe/Paris', getvariable('run_started_at'))) as date),
        interval 1 month
    )) as date) as month
),
customer_base_months as (
    -- A customer ordering in month m is in the base of months m+1 .. m+12.
    select distinct
        customer_order_months.contact_id,
        customer_order_months.channel_group,
        customer_order_months.channel,
        cast(unnest(generate_series(
            customer_order_months.order_month + interval 1 month,
            customer_order_months.order_month + interval 12 month,
            interval 1 month
        )) as date) as month
    from customer_order_months
),
customer_months as (
    select
        coalesce(customer_order_months.contact_id, customer_base_months.contact_id) as contact_id,
        coalesce(customer_order_months.channel_group, customer_base_months.channel_group) as channel_group,
        coalesce(customer_order_months.channel, customer_base_months.channel) as channel,
        coalesce(customer_order_months.order_month, customer_base_months.month) as month,
        customer_order_months.contact_id is not null as is_ordering,
        customer_order_months.order_month = customer_order_months.first_order_month as is_new,
        customer_base_months.contact_id is not null as is_in_base
    from customer_order_months
    full outer join customer_base_months
        on customer_order_months.contact_id = customer_base_months.contact_id
            and customer_order_months.order_month = customer_base_months.month
),
aggregated as (
    select
        month_spine.month,
        customer_months.channel_group,
        customer_months.channel,
        count(distinct customer_months.contact_id) filter (where customer_months.is_ordering)
            as customers_ordering,
        count(distinct customer_months.contact_id) filter (where customer_months.is_new) as new_customers,
        count(distinct customer_months.contact_id)
        filter (where customer_months.is_ordering and customer_months.is_in_base) as returning_customers,
        count(distinct customer_months.contact_id) filter (where customer_months.is_in_base)
            as customers_base
    from month_spine
    inner join customer_months
        on month_spine.month = customer_months.month
    group by all
),
final as (
    select
        aggregated.month,
        aggregated.channel_group,
        aggregated.channel,
        cast(aggregated.customers_ordering as bigint) as customers_ordering,
        cast(aggregated.new_customers as bigint) as new_customers,
        cast(aggregated.returning_customers as bigint) as returning_customers,
        cast(aggregated.customers_base as bigint) as customers_base
    from aggregated
    where aggregated.customers_ordering + aggregated.customers_base > 0
    order by aggregated.month, aggregated.channel_group, aggregated.channel
)
select * from final;

-- kpi_sales_daily
CREATE OR REPLACE TABLE kpi_floor.kpi_sales_daily AS
with
fct_opportunities as (
    select * from kpi_floor.fct_opportunities
),
dim_agents as (
    select * from kpi_floor.dim_agents
),
created_events as (
    -- Created and cohort measures count deals by their create date; the cohort
    -- is those created that day that are won as of the run.
    select
        fct_opportunities.created_date as date,
        fct_opportunities.pipeline,
        fct_opportunities.channel_group,
        fct_opportunities.channel,
        fct_opportunities.channel_label,
        fct_opportunities.owner_agent_id as agent_id,
        1 as opportunities_created,
        0 as opportunities_won,
        0 as opportunities_lost,
        cast(0 as decimal(18, 2)) as revenue_won,
        case when fct_opportunities.is_won then 1 else 0 end as cohort_opportunities_won,
        case when fct_opportunities.is_won then fct_opportunities.revenue else 0 end as cohort_revenue_won
    from fct_opportunities
),
closed_events as (
    -- Won, lost and revenue count deals by their close date (a closed deal
    -- without a CRM close date has no close day to count on).
    select
        fct_opportunities.closed_date as date,
        fct_opportunities.pipeline,
        fct_opportunities.channel_group,
        fct_opportunities.channel,
        fct_opportunities.channel_label,
        fct_opportunities.owner_agent_id as agent_id,
        0 as opportunities_created,
        case when fct_opportunities.is_won then 1 else 0 end as opportunities_won,
        case when fct_opportunities.is_lost then 1 else 0 end as opportunities_lost,
        case when fct_opportunities.is_won then fct_opportunities.revenue else 0 end as revenue_won,
        0 as cohort_opportunities_won,
        cast(0 as decimal(18, 2)) as cohort_revenue_won
    from fct_opportunities
    where fct_opportunities.is_closed
        and fct_opportunities.closed_at is not null
),
unioned as (
    select * from created_events
    union all
    select * from closed_events
),
aggregated as (
    select
        unioned.date,
        unioned.pipeline,
        unioned.channel_group,
        unioned.channel,
        unioned.channel_label,
        unioned.agent_id,
        sum(unioned.opportunities_created) as opportunities_created,
        sum(unioned.opportunities_won) as opportunities_won,
        sum(unioned.opportunities_lost) as opportunities_lost,
        sum(unioned.revenue_won) as revenue_won,
        sum(unioned.cohort_opportunities_won) as cohort_opportunities_won,
        sum(unioned.cohort_revenue_won) as cohort_revenue_won
    from unioned
    group by all
),
final as (
    select
        aggregated.date,
        aggregated.pipeline,
        aggregated.channel_group,
        aggregated.channel,
        aggregated.channel_label,
        aggregated.agent_id,
        dim_agents.agent_name,
        dim_agents.team,
        cast(aggregated.opportunities_created as bigint) as opportunities_created,
        cast(aggregated.opportunities_won as bigint) as opportunities_won,
        cast(aggregated.opportunities_lost as bigint) as opportunities_lost,
        cast(aggregated.revenue_won as decimal(18, 2)) as revenue_won,
        cast(aggregated.cohort_opportunities_won as bigint) as cohort_opportunities_won,
        cast(aggregated.cohort_revenue_won as decimal(18, 2)) as cohort_revenue_won
    from aggregated
    left join dim_agents
        on aggregated.agent_id = dim_agents.agent_id
    order by
        aggregated.date,
        aggregated.pipeline,
        aggregated.channel,
        aggregated.agent_id
)
select * from final;

-- kpi_targets_monthly
CREATE OR REPLACE TABLE kpi_floor.kpi_targets_monthly AS
with
int_targets_allocated_to_months as (
    select * from kpi_floor.int_targets_allocated_to_months
),
fct_opportunities as (
    select * from kpi_floor.fct_opportunities
),
dim_agents as (
    select * from kpi_floor.dim_agents
),
targets as (
    select
        int_targets_allocated_to_months.month,
        int_targets_allocated_to_months.agent_id,
        sum(int_targets_allocated_to_months.target_amount) as target_amount
    from int_targets_allocated_to_months
    group by all
),
won as (
    -- Won deals by local close month and owner, all pipelines.
    select
        cast(date_trunc('month', timezone('Europe/Paris', fct_opportunities.closed_at)) as date) as month,
        fct_opportunities.owner_agent_id as agent_id,
        sum(fct_opportunities.revenue) as revenue_won,
        count(*) as opportunities_won
    from fct_opportunities
    where fct_opportunities.is_won
        and fct_opportunities.closed_at is not null
    group by all
),
joined as (
    select
        coalesce(targets.month, won.month) as month,
        coalesce(targets.agent_id, won.agent_id) as agent_id,
        -- Split targets are summed unrounded, then rounded once per agent-month;
        -- targets_met compares with this shipped amount, as a report reader would.
        cast(round(coalesce(targets.target_amount, 0), 2) as decimal(18, 2)) as target_amount,
        case when targets.agent_id is not null then 1 else 0 end as targets_set,
        coalesce(won.revenue_won, 0) as revenue_won,
        coalesce(won.opportunities_won, 0) as opportunities_won
    from targets
    full outer join won
        on targets.month = won.month
            and targets.agent_id = won.agent_id
),
final as (
    select
        joined.month,
        joined.agent_id,
        dim_agents.agent_name,
        dim_agents.team,
        joined.target_amount,
        cast(joined.targets_set as bigint) as targets_set,
        cast(
            case when joined.targets_set = 1 and joined.revenue_won >= joined.target_amount then 1 else 0 end
            as bigint
        ) as targets_met,
        cast(joined.revenue_won as decimal(18, 2)) as revenue_won,
        cast(joined.opportunities_won as bigint) as opportunities_won
    from joined
    left join dim_agents
        on joined.agent_id = dim_agents.agent_id
    order by joined.month, joined.agent_id
)
select * from final;
