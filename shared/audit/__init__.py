"""The audit log every service keeps of staff changes: append-only, hash-chained, queryable, verifiable.

chain.py         sealing entries onto the chain and checking a chain (pure)
tables.py        audit_log and audit_head, copied into each service's metadata
migration_v1.py  the tables' migration, called by one revision of each service
log.py           append inside a transaction, read the chain, page through entries
uow.py           AuditedUnitOfWork: `record_change` in a use case, chained on commit
api.py           GET /v1/audit (schemas.py: its shapes; deps.py: the X-Actor header for shared routes)
check.py         verifying a service's database
"""
