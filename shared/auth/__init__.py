"""Who may call what: API keys and staff tokens, roles, and the declaration every endpoint makes.

roles.py         the roles and what each is for
principal.py     who a request comes from, once authenticated
tables.py        the api_key table every service's database has (migration_v1.py creates it)
keys.py          creating, finding, listing, revoking and rotating API keys (stored hashed)
tokens.py        staff bearer tokens (JWT, RS256, from a JWKS URL or a configured key)
deps.py          `requires(...)` and `public()`: the route dependencies that authenticate and authorise
declarations.py  every route declares one of them; the roles go into the OpenAPI document as x-roles
"""
