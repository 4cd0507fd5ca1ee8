/**
 * The zone editor (区域与通道): the rules configuration's speed-limit zones, restricted areas, relay points,
 * no-parking stretches, route corridors with their assigned vehicles and watched areas on
 * The province's map, drawn by clicking — a polygon vertex by vertex, a circle by its centre and a point of its rim, a
 * route corridor by its polyline and a width in metres — named, given a kind (a limit and daily hours for a
 * speed limit), edited, deleted, and saved together as a new configuration version with a comment. The server
 * checks every shape and names what is wrong; the page says it per zone. Who may save is the server's word
 * (`actions` of GET /api/rules); everyone else sees the zones and the history read-only.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { ProvinceGeo } from '../feed/http-api.js';
import { ZoneMap } from '../map/zone-map.js';
import {
  distanceM,
  draftOf,
  draftZone,
  shapeKindOf,
  type Draft,
  type LonLat,
  type ShapeKind,
  type Zone,
  type AreaDirection,
  type ZoneKind,
} from '../map/zone-shapes.js';
import { ApiError } from './console-api.js';
import { chinaDateTime } from './console-time.js';
import { errorSentence } from './error-text.js';
import { Modal } from './modal.js';
import { useWorkspace } from './workspace-context.js';
import { ZONE_MESSAGES, type ZoneMessages, type ZoneProblemCode } from './zone-messages.js';

interface RulesAnswer {
  version: number;
  saved_at: number;
  saved_by: string;
  comment: string;
  config: { zones: Zone[] } & Record<string, unknown>;
  actions?: string[];
}

interface VersionSummary {
  version: number;
  saved_at: number;
  saved_by: string;
  comment: string;
  zones: number;
}

interface Problem {
  key: string;
  reason: string;
  code?: string;
}

interface Form {
  /** The zone being edited, or null for a new one. */
  id: string | null;
  name: string;
  kind: ZoneKind;
  speedLimitKmh: number;
  hoursOn: boolean;
  from: string;
  to: string;
  /** no_parking: minutes as typed ('' for the rule's default). */
  parkingMinutes: string;
  /** route: the plates as typed. */
  vehicles: string;
  direction: AreaDirection;
}

const KINDS: readonly ZoneKind[] = ['speed_limit', 'restricted', 'relay_point', 'no_parking', 'route', 'area'];
const DIRECTIONS: readonly AreaDirection[] = ['entry', 'exit', 'both'];
const PARKING_MINUTES = { min: 1, max: 1440 };
const SHAPES: readonly ShapeKind[] = ['polygon', 'circle', 'corridor'];
const DEFAULT_RADIUS_M = 500;
const DEFAULT_WIDTH_M = 100;
const SPEED_LIMIT_KMH = { default: 40, min: 5, max: 200 };
const HISTORY_LIMIT = 10;
const NAME_CHARS_MAX = 200;
const COMMENT_CHARS_MAX = 500;

const EMPTY_FORM: Form = {
  id: null,
  name: '',
  kind: 'speed_limit',
  speedLimitKmh: SPEED_LIMIT_KMH.default,
  hoursOn: false,
  from: '07:00',
  to: '19:00',
  parkingMinutes: '',
  vehicles: '',
  direction: 'both',
};

/** Plates typed with commas, 、 or spaces between them. */
function platesOf(text: string): string[] {
  return text
    .split(/[\s,，、;；]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

function formOf(zone: Zone): Form {
  return {
    id: zone.id,
    name: zone.name,
    kind: zone.kind,
    speedLimitKmh: zone.speedLimitKmh ?? SPEED_LIMIT_KMH.default,
    hoursOn: zone.hours !== undefined,
    from: zone.hours?.from ?? EMPTY_FORM.from,
    to: zone.hours?.to ?? EMPTY_FORM.to,
    parkingMinutes: zone.parkingMinutesMax === undefined ? '' : String(zone.parkingMinutesMax),
    vehicles: (zone.vehicles ?? []).join(' '),
    direction: zone.direction ?? 'both',
  };
}

/** A new zone's id: unique within the configuration, stable once saved (alarms name their zone by it). */
function newZoneId(zones: readonly Zone[]): string {
  const taken = new Set(zones.map((z) => z.id));
  let n = zones.length + 1;
  while (taken.has(`zone-${n}`)) n++;
  return `zone-${n}`;
}

function summary(z: ZoneMessages, zone: Zone): string {
  if (zone.circle) return z.summary.circle(zone.circle.radiusM);
  if (zone.corridor) return z.summary.corridor(zone.corridor.widthM);
  const ring = zone.polygon ?? [];
  const closed = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1];
  return z.summary.polygon(closed ? ring.length - 1 : ring.length);
}

/** The built-in defaults were never saved by anyone: no time to show. */
function when(savedAt: number): string {
  return savedAt > 0 ? chinaDateTime(savedAt) : '—';
}

function pointsOf(zone: Zone): LonLat[] {
  if (zone.circle) return [zone.circle.center];
  return zone.corridor?.path ?? zone.polygon ?? [];
}

/** The server's problems as sentences naming the zone (by its index in what was sent). */
function problemSentences(z: ZoneMessages, problems: readonly Problem[], sent: readonly Zone[]): string[] {
  return problems.map((p) => {
    const at = /^zones\[(\d+)\]/.exec(p.key);
    const zone = at ? sent[Number(at[1])] : undefined;
    const text = p.code && p.code in z.problems ? z.problems[p.code as ZoneProblemCode] : `${p.key} ${p.reason}`;
    return zone ? z.problemAt(zone.name || zone.id, text) : text;
  });
}

export function ZonesPage({ geo }: { geo: ProvinceGeo | null }) {
  const ws = useWorkspace();
  const { api, m } = ws;
  const z = ZONE_MESSAGES[ws.lang];
  const [rules, setRules] = useState<RulesAnswer | null>(null);
  const [history, setHistory] = useState<VersionSummary[]>([]);
  const [zones, setZones] = useState<Zone[]>([]);
  const [changes, setChanges] = useState(0);
  const [form, setForm] = useState<Form | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [comment, setComment] = useState('');
  const [refusal, setRefusal] = useState<string[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [answer, versions] = await Promise.all([
        api.get<RulesAnswer>('/api/rules'),
        api.get<{ versions: VersionSummary[] }>(`/api/rules/versions?limit=${HISTORY_LIMIT}`),
      ]);
      setRules(answer);
      setZones(answer.config.zones);
      setHistory(versions.versions);
      setChanges(0);
      setLoadError(null);
    } catch (failure) {
      setLoadError(errorSentence(failure, m));
    }
  }, [api, m]);
  useEffect(() => {
    void load();
  }, [load]);

  const may = rules?.actions?.includes('update') ?? false;
  // The zone being redrawn shows as the draft only, not twice. The same array until one of these changes, so that
  // a vertex placed or dragged does not hand the map all the zones again.
  const redrawnId = draft !== null ? (form?.id ?? null) : null;
  const zonesOnMap = useMemo(() => (redrawnId ? zones.filter((x) => x.id !== redrawnId) : zones), [zones, redrawnId]);

  const onMapClick = (p: LonLat, zoneId: string | null) => {
    // Not drawing: a click on a zone opens it, for an officer who may change it.
    if (may && draft === null && zoneId !== null) {
      const zone = zones.find((x) => x.id === zoneId);
      if (zone) edit(zone);
      return;
    }
    if (!may || draft === null) return;
    if (draft.shape === 'circle' && draft.points.length >= 1)
      setDraft({ ...draft, sizeM: Math.max(1, Math.round(distanceM(draft.points[0], p))) });
    else if (draft.shape === 'circle') setDraft({ ...draft, points: [p] });
    else setDraft({ ...draft, points: [...draft.points, p] });
  };

  // Dragging a vertex moves it; a circle's only vertex is its centre, so dragging it moves the circle.
  const onVertexDrag = (index: number, p: LonLat) =>
    setDraft((d) =>
      d === null || index >= d.points.length ? d : { ...d, points: d.points.map((q, i) => (i === index ? p : q)) },
    );

  const startDrawing = (shape: ShapeKind) => {
    setFormError(null);
    setForm((f) => f ?? { ...EMPTY_FORM });
    setDraft({ shape, points: [], sizeM: shape === 'circle' ? DEFAULT_RADIUS_M : DEFAULT_WIDTH_M });
  };

  const edit = (zone: Zone) => {
    setFormError(null);
    setForm(formOf(zone));
    setDraft(draftOf(zone));
  };

  const cancel = () => {
    setForm(null);
    setDraft(null);
    setFormError(null);
  };

  const apply = () => {
    if (form === null) return;
    if (form.name.trim() === '') return setFormError(z.needName);
    const shape = draft ? draftZone(draft) : null;
    if (shape === null) return setFormError(z.needShape);
    const vehicles = platesOf(form.vehicles);
    if (form.kind === 'route' && vehicles.length === 0) return setFormError(z.needVehicles);
    if (form.kind === 'route' && shape.corridor === undefined) return setFormError(z.routeNeedsCorridor);
    const parkingMinutes = form.parkingMinutes.trim() === '' ? undefined : Math.round(Number(form.parkingMinutes));
    const before = form.id === null ? undefined : zones.find((x) => x.id === form.id);
    // Keep what the editor does not show (a zone's own vehicle classes); drop the old shape and the fields of kinds.
    const {
      polygon: _p,
      circle: _c,
      corridor: _r,
      hours: _h,
      speedLimitKmh: _s,
      vehicles: _v,
      direction: _d,
      parkingMinutesMax: _m,
      ...kept
    } = before ?? ({} as Zone);
    const zone: Zone = {
      ...kept,
      id: before?.id ?? newZoneId(zones),
      name: form.name.trim(),
      kind: form.kind,
      ...shape,
      ...(form.kind === 'speed_limit' ? { speedLimitKmh: form.speedLimitKmh } : {}),
      ...(form.kind === 'route' ? { vehicles } : {}),
      ...(form.kind === 'area' ? { direction: form.direction } : {}),
      ...(form.kind === 'no_parking' && parkingMinutes !== undefined ? { parkingMinutesMax: parkingMinutes } : {}),
      ...(form.hoursOn ? { hours: { from: form.from, to: form.to } } : {}),
    };
    setZones(before ? zones.map((x) => (x.id === before.id ? zone : x)) : [...zones, zone]);
    setChanges((n) => n + 1);
    cancel();
  };

  const remove = (zone: Zone) => {
    setZones(zones.filter((x) => x.id !== zone.id));
    setChanges((n) => n + 1);
    if (form?.id === zone.id) cancel();
    ws.toast(z.removed(zone.name));
  };

  const save = async () => {
    if (rules === null) return;
    setRefusal(null);
    try {
      const answer = await api.put<{ version: number }>('/api/rules', {
        config: { ...rules.config, zones },
        comment: comment.trim(),
      });
      setSaving(false);
      setComment('');
      ws.toast(z.saved(answer.version));
      await load();
    } catch (failure) {
      const problems = failure instanceof ApiError ? failure.extra.problems : undefined;
      setRefusal(
        Array.isArray(problems) ? problemSentences(z, problems as Problem[], zones) : [errorSentence(failure, m)],
      );
    }
  };

  return (
    <div className="zones-page" data-testid="zones-page">
      <section className="zones-side">
        <h2>{z.title}</h2>
        {loadError !== null ? <p className="console-error">{loadError}</p> : null}
        {rules ? (
          <p className="console-dim" data-testid="zones-in-force">
            {z.inForce(rules.version, rules.saved_by, when(rules.saved_at))}
          </p>
        ) : null}
        {rules && !may ? (
          <p className="console-dim" data-testid="zones-read-only">
            {z.readOnly}
          </p>
        ) : null}
        <h3>{z.zones}</h3>
        {zones.length === 0 ? <p className="console-dim">{z.noZones}</p> : null}
        <ul className="zones-list" data-testid="zone-list">
          {zones.map((zone) => (
            <li
              key={zone.id}
              data-zone-id={zone.id}
              data-shape={shapeKindOf(zone)}
              className={form?.id === zone.id ? 'zone-selected' : ''}
            >
              <span className={`zone-swatch zone-${zone.kind}`} />
              <span className="zone-name">{zone.name}</span>
              <span className="console-dim">
                {z.kinds[zone.kind]}
                {zone.kind === 'speed_limit' && zone.speedLimitKmh !== undefined ? ` ${zone.speedLimitKmh} km/h` : ''}
                {zone.kind === 'route' && zone.vehicles !== undefined ? ` · ${zone.vehicles.join(' ')}` : ''}
                {zone.kind === 'area' && zone.direction !== undefined ? ` · ${z.directions[zone.direction]}` : ''}
                {zone.kind === 'no_parking' && zone.parkingMinutesMax !== undefined
                  ? ` · ${zone.parkingMinutesMax} ${z.minutesUnit}`
                  : ''}
                {zone.hours ? ` · ${zone.hours.from}–${zone.hours.to}` : ''} · {summary(z, zone)}
              </span>
              {may ? (
                <span className="zone-actions">
                  <button type="button" data-testid="zone-edit" onClick={() => edit(zone)}>
                    {z.edit}
                  </button>
                  <button type="button" data-testid="zone-remove" onClick={() => remove(zone)}>
                    {z.remove}
                  </button>
                </span>
              ) : null}
            </li>
          ))}
        </ul>
        {may ? (
          <ZoneForm
            z={z}
            form={form}
            draft={draft}
            error={formError}
            onForm={setForm}
            onDraft={setDraft}
            onStart={startDrawing}
            onApply={apply}
            onCancel={cancel}
          />
        ) : null}
        {may ? (
          <div className="console-row zones-save">
            {changes > 0 ? <span data-testid="zones-unsaved">{z.unsaved(changes)}</span> : null}
            <button
              type="button"
              className="primary"
              data-testid="zones-save"
              disabled={changes === 0 || draft !== null}
              onClick={() => setSaving(true)}
            >
              {z.save}
            </button>
          </div>
        ) : null}
        <h3>{z.history}</h3>
        <ol className="zones-history" data-testid="zone-history">
          {history.map((v) => (
            <li key={v.version} data-version={v.version}>
              <span>{z.historyLine(v.version, v.saved_by, when(v.saved_at), v.zones)}</span>
              {v.comment ? <span className="console-dim"> — {v.comment}</span> : null}
            </li>
          ))}
        </ol>
      </section>
      <ZoneMapView
        geo={geo}
        zones={zonesOnMap}
        selectedId={form?.id ?? null}
        draft={draft}
        onClick={onMapClick}
        onDrag={onVertexDrag}
        focus={form?.id ? pointsOf(zones.find((x) => x.id === form.id) ?? ({} as Zone)) : null}
      />
      {saving ? (
        <Modal title={z.saveTitle} onClose={() => setSaving(false)} closeLabel={m.close} testId="zones-save-dialog">
          <label className="zones-field">
            {z.comment}
            <textarea
              data-testid="zones-comment"
              maxLength={COMMENT_CHARS_MAX}
              placeholder={z.commentPlaceholder}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
            />
          </label>
          {refusal ? (
            <div className="console-error" data-testid="zones-refusal">
              <p>{z.refused}</p>
              <ul>
                {refusal.map((line, i) => (
                  <li key={i}>{line}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <div className="console-row">
            <button type="button" className="primary" data-testid="zones-save-confirm" onClick={() => void save()}>
              {z.save}
            </button>
          </div>
        </Modal>
      ) : null}
    </div>
  );
}

function ZoneForm({
  z,
  form,
  draft,
  error,
  onForm,
  onDraft,
  onStart,
  onApply,
  onCancel,
}: {
  z: ZoneMessages;
  form: Form | null;
  draft: Draft | null;
  error: string | null;
  onForm: (form: Form) => void;
  onDraft: (draft: Draft | null) => void;
  onStart: (shape: ShapeKind) => void;
  onApply: () => void;
  onCancel: () => void;
}) {
  return (
    <div className="zones-form" data-testid="zone-form">
      <h3>{form?.id ? `${z.edit}：${form.name}` : z.newZone}</h3>
      <div className="console-row">
        <span>{z.draw}</span>
        {SHAPES.map((shape) => (
          <button
            key={shape}
            type="button"
            data-testid={`draw-${shape}`}
            className={draft?.shape === shape ? 'tab-active' : ''}
            onClick={() => onStart(shape)}
          >
            {z.shapes[shape]}
          </button>
        ))}
      </div>
      {draft ? (
        <>
          <p className="console-dim" data-testid="draw-hint">
            {z.drawHint[draft.shape]}
          </p>
          <div className="console-row">
            <span data-testid="draft-points" data-points={draft.points.length}>
              {z.pointsCount(draft.points.length)}
            </span>
            {draft.shape !== 'polygon' ? (
              <label>
                {draft.shape === 'circle' ? z.radius : z.width}
                <input
                  type="number"
                  data-testid="draft-size"
                  min={draft.shape === 'circle' ? 50 : 10}
                  max={draft.shape === 'circle' ? 50_000 : 5_000}
                  value={draft.sizeM}
                  onChange={(e) => onDraft({ ...draft, sizeM: Math.round(e.target.valueAsNumber) || 0 })}
                />
              </label>
            ) : null}
            <button
              type="button"
              data-testid="draft-undo"
              disabled={draft.points.length === 0}
              onClick={() => onDraft({ ...draft, points: draft.points.slice(0, -1) })}
            >
              {z.undoPoint}
            </button>
          </div>
        </>
      ) : null}
      {form ? (
        <>
          <label className="zones-field">
            {z.name}
            <input
              data-testid="zone-name"
              maxLength={NAME_CHARS_MAX}
              value={form.name}
              onChange={(e) => onForm({ ...form, name: e.target.value })}
            />
          </label>
          <label className="zones-field">
            {z.kind}
            <select
              data-testid="zone-kind"
              value={form.kind}
              onChange={(e) => onForm({ ...form, kind: e.target.value as ZoneKind })}
            >
              {KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {z.kinds[kind]}
                </option>
              ))}
            </select>
          </label>
          {form.kind === 'speed_limit' ? (
            <label className="zones-field">
              {z.speedLimit}
              <input
                type="number"
                data-testid="zone-speed"
                min={SPEED_LIMIT_KMH.min}
                max={SPEED_LIMIT_KMH.max}
                value={form.speedLimitKmh}
                onChange={(e) => onForm({ ...form, speedLimitKmh: Math.round(e.target.valueAsNumber) || 0 })}
              />
            </label>
          ) : null}
          {form.kind === 'no_parking' ? (
            <label className="zones-field">
              {z.parkingMinutes}
              <input
                type="number"
                data-testid="zone-parking-minutes"
                min={PARKING_MINUTES.min}
                max={PARKING_MINUTES.max}
                placeholder={z.parkingMinutesHint}
                value={form.parkingMinutes}
                onChange={(e) => onForm({ ...form, parkingMinutes: e.target.value })}
              />
            </label>
          ) : null}
          {form.kind === 'route' ? (
            <label className="zones-field">
              {z.vehicles}
              <input
                data-testid="zone-vehicles"
                placeholder={z.vehiclesHint}
                value={form.vehicles}
                onChange={(e) => onForm({ ...form, vehicles: e.target.value })}
              />
            </label>
          ) : null}
          {form.kind === 'area' ? (
            <label className="zones-field">
              {z.direction}
              <select
                data-testid="zone-direction"
                value={form.direction}
                onChange={(e) => onForm({ ...form, direction: e.target.value as AreaDirection })}
              >
                {DIRECTIONS.map((d) => (
                  <option key={d} value={d}>
                    {z.directions[d]}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <div className="console-row zones-hours">
            <label>
              <input
                type="checkbox"
                data-testid="zone-hours-on"
                checked={form.hoursOn}
                onChange={(e) => onForm({ ...form, hoursOn: e.target.checked })}
              />
              {z.hours}
            </label>
            {form.hoursOn ? (
              <>
                <label>
                  {z.hoursFrom}
                  <input
                    type="time"
                    data-testid="zone-from"
                    value={form.from}
                    onChange={(e) => onForm({ ...form, from: e.target.value })}
                  />
                </label>
                <label>
                  {z.hoursTo}
                  <input
                    type="time"
                    data-testid="zone-to"
                    value={form.to}
                    onChange={(e) => onForm({ ...form, to: e.target.value })}
                  />
                </label>
              </>
            ) : (
              <span className="console-dim">{z.allDay}</span>
            )}
          </div>
          {error !== null ? (
            <p className="console-error" data-testid="zone-form-error">
              {error}
            </p>
          ) : null}
          <div className="console-row">
            <button type="button" className="primary" data-testid="zone-apply" onClick={onApply}>
              {z.apply}
            </button>
            <button type="button" data-testid="zone-cancel" onClick={onCancel}>
              {z.cancelDraw}
            </button>
          </div>
        </>
      ) : null}
    </div>
  );
}

/** The map, created once per geography; zones, the selection and the draft are pushed to it on each change. */
function ZoneMapView({
  geo,
  zones,
  selectedId,
  draft,
  onClick,
  onDrag,
  focus,
}: {
  geo: ProvinceGeo | null;
  zones: readonly Zone[];
  selectedId: string | null;
  draft: Draft | null;
  onClick: (p: LonLat, zoneId: string | null) => void;
  onDrag: (index: number, p: LonLat) => void;
  focus: LonLat[] | null;
}) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<ZoneMap | null>(null);
  useEffect(() => {
    const container = containerRef.current;
    if (container === null || geo === null) return undefined;
    const created = new ZoneMap(container, geo);
    setMap(created);
    return () => {
      created.destroy();
      setMap(null);
    };
  }, [geo]);
  useEffect(() => map?.setClickHandler(onClick), [map, onClick]);
  useEffect(() => map?.setDragHandler(onDrag), [map, onDrag]);
  useEffect(() => map?.show(zones, selectedId, draft), [map, zones, selectedId, draft]);
  // Bring a zone into view when it is picked for editing, not on every vertex of the draft: keyed by its id only.
  const focusRef = useRef(focus);
  focusRef.current = focus;
  useEffect(() => {
    if (map && selectedId && focusRef.current) map.focus(focusRef.current);
  }, [map, selectedId]);
  return <div className="zones-map" data-testid="zone-map" ref={containerRef} />;
}
