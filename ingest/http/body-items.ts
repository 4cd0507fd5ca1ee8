/** What a request body is cut into: one item per record, each either a value or its own named refusal. */
export type BodyItem = (
  { ok: true; value: unknown; raw: string } | { ok: false; reason: string; detail: string; raw: string }
) & {
  /** The line of a CSV body (or the row of a worksheet) the record starts on, the header being line 1. */
  line?: number;
};

export class BodyError extends Error {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(detail);
  }
}
