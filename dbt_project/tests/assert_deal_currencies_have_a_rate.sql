-- Money rule: a deal without a home-currency amount, in a currency other than the
-- reporting one, needs a row in currency_rates.csv, or its revenue would be lost.
select
    int_deals_classified.deal_id,
    int_deals_classified.currency_code
from {{ ref('int_deals_classified') }} as int_deals_classified
where int_deals_classified.is_missing_rate
