import { sql, type Executor } from '../../platform/db/index.js';

export interface UsageRow {
  start: Date;
  quota_used: string;
  provision_used: string;
  quota_remaining: string;
  provision_remaining: string;
}

/**
 * Per local day or month of `timezone`: what `accountId` and its descendants used (held minus
 * refunded, by entries on the held buckets), and the wallet's quota and provision left at the
 * interval's end (running sum of entries by their `at`).
 */
export async function usageSeries(
  db: Executor,
  q: { walletAccountId: string; accountId: string; timezone: string; from: Date; to: Date; interval: 'day' | 'month' },
): Promise<UsageRow[]> {
  const step = q.interval === 'day' ? '1 day' : '1 month';
  const result = await sql<UsageRow>`
    with recursive sub as (
      select id from accounts where id = ${q.accountId}
      union all
      select a.id from accounts a join sub on a.parent_id = sub.id
    ), b as (
      select g at time zone ${q.timezone} as start, (g + ${step}::interval) at time zone ${q.timezone} as "end"
      from generate_series(date_trunc(${q.interval}, ${q.from}::timestamptz at time zone ${q.timezone}),
        ${q.to}::timestamptz at time zone ${q.timezone}, ${step}::interval) g
    ), bs as (
      select * from b where start < ${q.to}::timestamptz
    ), d as (
      select bs.start,
        coalesce(sum(e.amount) filter (where e.bucket = 'held_quota' and t.kind in ('hold', 'refund') and s.id is not null), 0) as quota_used,
        coalesce(sum(e.amount) filter (where e.bucket = 'held_provision' and t.kind in ('hold', 'refund') and s.id is not null), 0) as provision_used,
        coalesce(sum(e.amount) filter (where e.bucket = 'quota'), 0) as quota_delta,
        coalesce(sum(e.amount) filter (where e.bucket = 'provision'), 0) as provision_delta
      from bs
      left join ledger_entries e on e.wallet_account_id = ${q.walletAccountId}
        and e.bucket in ('quota', 'provision', 'held_quota', 'held_provision') and e.at >= bs.start and e.at < bs."end"
      left join ledger_transactions t on t.id = e.transaction_id
      left join sub s on s.id = e.spender_account_id
      group by bs.start
    ), base as (
      select coalesce(sum(amount) filter (where bucket = 'quota'), 0) as q, coalesce(sum(amount) filter (where bucket = 'provision'), 0) as p
      from ledger_entries
      where wallet_account_id = ${q.walletAccountId} and bucket in ('quota', 'provision') and at < (select min(start) from bs)
    )
    select d.start, d.quota_used::text as quota_used, d.provision_used::text as provision_used,
      (base.q + sum(d.quota_delta) over (order by d.start))::text as quota_remaining,
      (base.p + sum(d.provision_delta) over (order by d.start))::text as provision_remaining
    from d cross join base order by d.start`.execute(db);
  return result.rows;
}

/** Each check returns one row per problem, already worded. */
const CHECKS = [
  // Balances equal the sum of their entries.
  sql<{ problem: string }>`
    select format('balance of %s/%s is %s but its entries sum to %s', coalesce(b.wallet_account_id, e.wallet_account_id),
      coalesce(b.bucket, e.bucket), coalesce(b.balance, 0), coalesce(e.total, 0)) as problem
    from ledger_balances b
    full join (select wallet_account_id, bucket, sum(amount) as total from ledger_entries group by 1, 2) e
      on e.wallet_account_id = b.wallet_account_id and e.bucket = b.bucket
    where coalesce(b.balance, 0) <> coalesce(e.total, 0)`,
  // Nothing negative in a wallet bucket; sources never positive.
  sql<{ problem: string }>`
    select format('balance of %s/%s is %s', wallet_account_id, bucket, balance) as problem from ledger_balances
    where case when bucket in ('quota_grants', 'topups') then balance > 0 else balance < 0 end`,
  // Every transaction sums to zero per unit, within one wallet and spender.
  sql<{ problem: string }>`
    select format('transaction %s (%s) sums to %s in %s', t.id, t.kind, sum(e.amount), e.unit) as problem
    from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
    group by t.id, t.kind, e.unit having sum(e.amount) <> 0`,
  sql<{ problem: string }>`
    select format('entry %s does not match transaction %s (wallet, spender, time or unit)', e.id, t.id) as problem
    from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
    where e.wallet_account_id <> t.wallet_account_id or e.spender_account_id <> t.account_id or e.at <> t.at
      or e.unit <> case when e.bucket in ('provision', 'held_provision', 'topups', 'spent_provision') then 'money' else 'sms' end`,
  // No reference held, settled or refunded twice.
  sql<{ problem: string }>`
    select format('reference %s has %s %s transactions', reference, count(*), kind) as problem
    from ledger_transactions where kind in ('hold', 'settle', 'refund') group by kind, reference having count(*) > 1`,
  // A hold's settles and refunds together never exceed it, per bucket.
  sql<{ problem: string }>`
    select format('hold %s (%s) settled and refunded %s+%s parts of %s+%s', h.id, h.reference,
      sum(f.quota_parts), sum(f.provision_parts), h.quota_parts, h.provision_parts) as problem
    from ledger_transactions h join ledger_transactions f on f.hold_id = h.id
    where h.kind = 'hold'
    group by h.id
    having sum(f.quota_parts) > h.quota_parts or sum(f.provision_parts) > h.provision_parts`,
  // A settle or refund follows its hold's wallet, spender and price; a refund its spending months.
  sql<{ problem: string }>`
    select format('%s %s (%s) differs from its hold %s in wallet, spender, price or spending months', f.kind, f.id, f.reference, h.id) as problem
    from ledger_transactions f join ledger_transactions h on h.id = f.hold_id
    where f.wallet_account_id <> h.wallet_account_id or f.account_id <> h.account_id
      or f.price_per_part_minor is distinct from h.price_per_part_minor
      or (f.kind = 'refund' and f.limit_months is distinct from h.limit_months)`,
  // Each hold has one counter row, equal to what its transactions and its entries leave held.
  sql<{ problem: string }>`
    with f as (
      select hold_id, sum(quota_parts) as q, sum(provision_parts) as p from ledger_transactions where hold_id is not null group by 1
    ), e as (
      select coalesce(t.hold_id, t.id) as hold_id,
        coalesce(sum(e.amount) filter (where e.bucket = 'held_quota'), 0) as q,
        coalesce(sum(e.amount) filter (where e.bucket = 'held_provision'), 0) as m
      from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
      where t.kind in ('hold', 'settle', 'refund') group by 1
    ), x as (
      select h.id, h.reference, h.wallet_account_id, h.quota_parts - coalesce(f.q, 0) as q, h.provision_parts - coalesce(f.p, 0) as p,
        coalesce(e.q, 0) as entries_q, coalesce(e.m, 0) as entries_m, h.price_per_part_minor as price
      from ledger_transactions h left join f on f.hold_id = h.id left join e on e.hold_id = h.id
      where h.kind = 'hold'
    )
    select case
      when lh.hold_id is null then format('hold %s (%s) has no counter row', x.id, x.reference)
      when x.id is null then format('counter row %s is not a hold', lh.hold_id)
      else format('hold %s (%s): counters say %s+%s parts held in %s, its transactions %s+%s in %s, its entries %s parts and %s of provision',
        x.id, x.reference, lh.quota_parts_held, lh.provision_parts_held, lh.wallet_account_id,
        x.q, x.p, x.wallet_account_id, x.entries_q, x.entries_m) end as problem
    from x full join ledger_holds lh on lh.hold_id = x.id
    where x.id is null or lh.hold_id is null or lh.wallet_account_id <> x.wallet_account_id
      or lh.quota_parts_held <> x.q or lh.provision_parts_held <> x.p
      or lh.quota_parts_held <> x.entries_q or lh.provision_parts_held * x.price <> x.entries_m`,
  sql<{ problem: string }>`
    select format('%s %s points at %s, which is not a hold', f.kind, f.id, f.hold_id) as problem
    from ledger_transactions f join ledger_transactions h on h.id = f.hold_id where h.kind <> 'hold'`,
  // What each transaction says it moved is what its entries moved.
  sql<{ problem: string }>`
    select format('transaction %s (%s) records %s quota and %s provision parts, its entries differ', t.id, t.kind, t.quota_parts, t.provision_parts) as problem
    from ledger_transactions t
    cross join lateral (
      select coalesce(sum(amount) filter (where bucket = 'held_quota'), 0) as hq,
        coalesce(sum(amount) filter (where bucket = 'held_provision'), 0) as hp,
        coalesce(sum(amount) filter (where bucket = 'spent_quota'), 0) as sq,
        coalesce(sum(amount) filter (where bucket = 'spent_provision'), 0) as sp,
        coalesce(sum(amount) filter (where bucket = 'quota_grants'), 0) as qg,
        coalesce(sum(amount) filter (where bucket = 'quota_expired'), 0) as qe
      from ledger_entries where transaction_id = t.id
    ) e
    where case t.kind
      when 'hold' then e.hq <> t.quota_parts or e.hp <> t.provision_parts * t.price_per_part_minor
      when 'settle' then e.hq <> -t.quota_parts or e.sq <> t.quota_parts
        or e.hp <> -t.provision_parts * t.price_per_part_minor or e.sp <> t.provision_parts * t.price_per_part_minor
      when 'refund' then e.hq <> -t.quota_parts or e.hp <> -t.provision_parts * t.price_per_part_minor
      when 'grant' then e.qg <> -t.quota_parts
      when 'expire' then e.qe <> t.quota_parts
      else false end`,
  // What is held per wallet is what holds still reserve.
  sql<{ problem: string }>`
    with open as (
      select h.wallet_account_id,
        sum(h.quota_parts - coalesce(f.q, 0)) as q,
        sum((h.provision_parts - coalesce(f.p, 0)) * h.price_per_part_minor) as m
      from ledger_transactions h
      left join (select hold_id, sum(quota_parts) as q, sum(provision_parts) as p from ledger_transactions
        where hold_id is not null group by hold_id) f on f.hold_id = h.id
      where h.kind = 'hold' group by h.wallet_account_id
    )
    select format('wallet %s holds %s parts and %s of provision, its open holds %s and %s', b.wallet_account_id,
      max(b.balance) filter (where b.bucket = 'held_quota'), max(b.balance) filter (where b.bucket = 'held_provision'),
      coalesce(max(o.q), 0), coalesce(max(o.m), 0)) as problem
    from ledger_balances b left join open o on o.wallet_account_id = b.wallet_account_id
    where b.bucket in ('held_quota', 'held_provision')
    group by b.wallet_account_id
    having max(b.balance) filter (where b.bucket = 'held_quota') <> coalesce(max(o.q), 0)
      or max(b.balance) filter (where b.bucket = 'held_provision') <> coalesce(max(o.m), 0)`,
  // Spending-limit counters equal the holds minus refunds charged to them.
  sql<{ problem: string }>`
    with x as (
      select k.key as account_id, k.value::date as month,
        sum(case when t.kind = 'hold' then 1 else -1 end * (t.quota_parts + t.provision_parts) * t.price_per_part_minor) as spent
      from ledger_transactions t cross join lateral jsonb_each_text(t.limit_months) k
      where t.kind in ('hold', 'refund') and t.limit_months is not null
      group by 1, 2
    )
    select format('spending of %s in %s is %s but its holds and refunds sum to %s', coalesce(s.account_id, x.account_id),
      coalesce(s.month, x.month), coalesce(s.spent_minor, 0), coalesce(x.spent, 0)) as problem
    from ledger_spending s full join x on x.account_id = s.account_id and x.month = s.month
    where coalesce(s.spent_minor, 0) <> coalesce(x.spent, 0)`,
];

/** Recomputes everything the ledger promises and lists what does not hold. */
export async function findLedgerProblems(db: Executor): Promise<string[]> {
  const problems: string[] = [];
  for (const check of CHECKS) {
    const result = await check.execute(db);
    for (const row of result.rows) problems.push(row.problem);
  }
  return problems;
}
