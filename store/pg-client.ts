/**
 * node-postgres, loaded when a PostgreSQL server is first used: an embedded node (PGlite) never needs it, and
 * loading it was about 0.05 CPU-s of every start (bench/README.md, "Node start").
 */
import type pg from 'pg';

export type Pg = typeof pg;

let loading: Promise<Pg> | undefined;

export function loadPg(): Promise<Pg> {
  return (loading ??= import('pg').then((module) => module.default));
}
