/**
 * The two date inputs of a period in Beijing days (`YYYY-MM-DD`, from and to, both included), labelled, with the
 * test ids `<prefix>-from` and `<prefix>-to`: the assessment's custom period and the reports' period.
 */
export interface DayRange {
  from: string;
  to: string;
}

export function DayRangeInputs({
  labels,
  value,
  onChange,
  testIdPrefix,
}: {
  labels: { from: string; to: string };
  value: DayRange;
  onChange: (next: DayRange) => void;
  testIdPrefix: string;
}) {
  return (
    <>
      <label>
        {labels.from}
        <input
          type="date"
          data-testid={`${testIdPrefix}-from`}
          value={value.from}
          onChange={(e) => onChange({ ...value, from: e.target.value })}
        />
      </label>
      <label>
        {labels.to}
        <input
          type="date"
          data-testid={`${testIdPrefix}-to`}
          value={value.to}
          onChange={(e) => onChange({ ...value, to: e.target.value })}
        />
      </label>
    </>
  );
}
