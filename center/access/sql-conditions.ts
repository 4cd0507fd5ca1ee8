/**
 * A WHERE clause built from optional filters with numbered parameters (`$1`, `$2`, …), so each filter is one
 * line and nobody counts placeholders by hand. Values always travel as parameters, never in the SQL text.
 */
export class SqlConditions {
  readonly params: unknown[] = [];
  private readonly clauses: string[] = [];

  /** Adds a condition; every `$?` in it stands for `value` (one parameter, however often it appears). */
  where(clause: string, value: unknown): this {
    const placeholder = this.param(value);
    this.clauses.push(clause.replaceAll('$?', placeholder));
    return this;
  }

  /** Adds a condition without a parameter (it must not contain user input). */
  whereConstant(clause: string): this {
    this.clauses.push(clause);
    return this;
  }

  /** Adds a parameter that is not a condition (a LIMIT, a cursor) and returns its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  /** The conditions joined with AND; `TRUE` when there are none. */
  get sql(): string {
    return this.clauses.length === 0 ? 'TRUE' : this.clauses.map((c) => `(${c})`).join(' AND ');
  }
}
