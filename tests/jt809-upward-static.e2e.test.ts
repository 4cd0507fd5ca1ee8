/**
 * Static data exchange on the upward link: the upper platform asks for a vehicle's registration (0x9600/0x9601,
 * on the main link, where upper platforms send requests while no sub link is up) and Vigil answers 0x1600/0x1601
 * with CAR_INFO from its registry: the plate, colour, home division and operating enterprise (id and name). A
 * vehicle the registry does not know is not answered, and counted. The upper platform is the test's own, written
 * from the standard.
 */
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueKey, postRecords } from './support/ingest-client.js';
import { vehicleEnvelope } from './support/jt809-client.js';
import { envelopeOf, UpperPlatform } from './support/jt809-upper-platform.js';
import { eventually, startVigil, until, type VigilProcess } from './support/vigil-process.js';

const ACCESS_CODE = 41_000_006;
const USER_ID = 4_106;
const PASSWORD = 'hnstatic';
const PLATE = '豫A6S809';

let upper: UpperPlatform;
let vigil: VigilProcess;
beforeAll(async () => {
  upper = new UpperPlatform();
  const port = await upper.listen();
  vigil = await startVigil({
    args: [
      ...['--jt809-upward', `127.0.0.1:${port}`, '--jt809-upward-access-code', String(ACCESS_CODE)],
      ...['--jt809-upward-user-id', String(USER_ID)],
    ],
    env: { VIGIL_JT809_UPWARD_PASSWORD: PASSWORD },
  });
});
afterAll(async () => {
  await vigil?.stop({ removeData: true });
  await upper?.close();
});

describe('JT/T 809 static data exchange upward', () => {
  it("answers the upper platform's 0x9601 with the vehicle's registration, and not for an unknown vehicle", async () => {
    const admin = await vigil.login();
    const { key } = await issueKey(vigil.baseUrl, admin, 'registry');
    const registered = await postRecords(vigil.baseUrl, 'registry', key, [
      {
        type: 'enterprise',
        id: '91410100MA00000X1',
        name: '郑州某危货运输有限公司;二分公司',
        org_code: '410102',
        business_scope: 'dangerous_goods',
        licence_no: '豫交运管许可郑字410100000001号',
      },
      {
        type: 'vehicle',
        plate: PLATE,
        plate_color: 2,
        vehicle_class: 'dangerous_goods',
        axles: 3,
        enterprise_id: '91410100MA00000X1',
        terminal_id: '013980960001',
        permit_valid_until: null,
        route_length_km: 0,
        home_org_code: '410102',
      },
    ]);
    expect(registered.body).toMatchObject({ accepted: 2, rejected: [] });
    // The upper platform answers 0x1002 as soon as 0x1001 arrives, so the requests below come after it on the link.
    await until(() => upper.of(0x1001).length >= 1, 20_000, 'the login');

    upper.send(0x9600, vehicleEnvelope('豫A0NONE', 2, 0x9601, Buffer.alloc(0)), ACCESS_CODE);
    upper.send(0x9600, vehicleEnvelope(PLATE, 2, 0x9601, Buffer.alloc(0)), ACCESS_CODE);
    const answer = await eventually(
      async () => upper.of(0x1600).map((m) => envelopeOf(m.body))[0],
      20_000,
      'the 0x1601 answer',
    );
    expect([answer.plate, answer.plateColor, answer.dataType]).toEqual([PLATE, 2, 0x1601]);
    // The enterprise's name held the separator: it is replaced, so the pairs after it stay where they are.
    expect(iconv.decode(answer.data, 'gbk')).toBe(
      `VIN:=${PLATE};VEHICLE_COLOR:=2;VEHICLE_TYPE:=;TRANS_TYPE:=;VEHICLE_NATIONALITY:=410102;` +
        'OWERS_ID:=91410100MA00000X1;OWERS_NAME:=郑州某危货运输有限公司 二分公司;OWERS_TEL:=',
    );
    const metrics = await (await fetch(`${vigil.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/vigil_jt809_upward_static_requests_total\{result="unknown_vehicle"\} 1/);
    expect(metrics).toMatch(/vigil_jt809_upward_static_requests_total\{result="sent"\} 1/);
    expect(upper.of(0x1600)).toHaveLength(1);
  });
});
