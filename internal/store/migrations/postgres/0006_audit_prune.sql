-- Pruning the audit trail past its retention (radsup audit prune) keeps the
-- chain verifiable: base_hash is the link the oldest remaining event must
-- carry ('' while nothing was pruned).
ALTER TABLE audit_head ADD COLUMN base_hash TEXT NOT NULL DEFAULT '';
