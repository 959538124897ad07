-- 0010_outbox_claim: a sender claims an outbox entry, with a lease, before
-- it delivers it, so that two senders on one database (two servers that
-- share it, or the nodes of a PostgreSQL deployment) never both send one
-- entry. claimed_by names the sender's pass; claimed_until is the lease's
-- end (epoch ms; 0 = unclaimed). An entry whose lease ran out (its sender
-- crashed) is claimed again by the next sender: at least once.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
