// The one thing the dialects' statement builders differ in.

/** The placeholder of the parameter at `position` (1-based): `?` in SQLite, `$n` in PostgreSQL. */
export type Placeholder = (position: number) => string;
