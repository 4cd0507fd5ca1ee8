/** What a request body is cut into: one item per record, each either a value or its own named refusal. */
export type BodyItem =
  { ok: true; value: unknown; raw: string } | { ok: false; reason: string; detail: string; raw: string };

export class BodyError extends Error {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(detail);
  }
}
