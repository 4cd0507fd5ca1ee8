/** The error report: which column a refusal is about, and cells a spreadsheet would run as formulas. */
import { describe, expect, it } from 'vitest';
import type { UploadDetail } from '../../schema/index.js';
import { errorFieldOf, errorReportCsv } from './error-report.js';

const COLUMNS = ['event_id', 'camera_id', 'plate', 'time', 'org_code'];

describe('the error report', () => {
  it('names the column a refusal is about, where the file has it', () => {
    expect(errorFieldOf('org_out_of_scope', 'org_code 410302 is outside …', COLUMNS)).toBe('org_code');
    expect(errorFieldOf('missing_plate', 'plate is required', COLUMNS)).toBe('plate');
    expect(errorFieldOf('missing_camera_id', 'one of camera_id, device_id is required', COLUMNS)).toBe('camera_id');
    expect(errorFieldOf('vehicle_out_of_scope', '豫A12345 is not a vehicle of E1', COLUMNS)).toBe('plate');
    expect(errorFieldOf('time_in_future', '2027-01-01T00:00:00.000Z is ahead', ['ts'])).toBe('ts');
    // A row refused as a whole has no column.
    expect(errorFieldOf('bad_csv_row', 'the row has 3 cells, the header names 5', COLUMNS)).toBe('');
  });

  it('writes the row, column, reason and original values, with a byte-order mark and no live formulas', () => {
    const upload = {
      columns: ['event_id', 'plate'],
      errors: [
        {
          row: 3,
          field: 'plate',
          reason: 'bad_plate',
          detail: 'plate "=HYPERLINK(1)" is not a plate',
          values: { event_id: 'A,1', plate: '=HYPERLINK(1)' },
          raw: '',
        },
        { row: 4, field: '', reason: 'bad_csv_row', detail: 'a quoted cell is not closed', values: null, raw: 'x,"y' },
        { row: 5, field: 'lat', reason: 'lat_out_of_range', detail: 'lat -91', values: { plate: '-91' }, raw: '' },
      ],
    } as unknown as UploadDetail;
    const csv = errorReportCsv(upload);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\n')).toEqual([
      'row,field,reason,detail,event_id,plate,raw',
      `3,plate,bad_plate,"plate ""=HYPERLINK(1)"" is not a plate","A,1",'=HYPERLINK(1),`,
      '4,,bad_csv_row,a quoted cell is not closed,,,"x,""y"',
      '5,lat,lat_out_of_range,lat -91,,-91,',
      '',
    ]);
  });
});
