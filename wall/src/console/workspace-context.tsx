/**
 * What every part of a logged-in console shares: the API client, the language and its strings, the caller's
 * abilities, the names of units and departments, and the toasts that confirm a step or say why it failed.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ConsoleAbilities } from '../../../schema/handling.js';
import type { Lang } from '../i18n/locale.js';
import type { ConsoleApi, LoginAnswer } from './console-api.js';
import { named, type ConsoleMessages } from './console-messages.js';

export interface OrgUnit {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county';
  parent_code: string | null;
}

export interface Department {
  code: string;
  name: string;
}

export interface Toast {
  id: number;
  text: string;
  tone: 'ok' | 'error';
}

export interface Workspace {
  api: ConsoleApi;
  lang: Lang;
  m: ConsoleMessages;
  session: LoginAnswer;
  abilities: ConsoleAbilities | null;
  /** Units of the caller's subtree, in tree order (empty for an enterprise account). */
  units: readonly OrgUnit[];
  placeName(code: string): string;
  departmentName(code: string): string;
  /** An enterprise's name when the caller may see it, else its id. */
  enterpriseName(id: string): string;
  departmentsOf(orgCode: string): Promise<Department[]>;
  toast(text: string, tone?: Toast['tone']): void;
  /** Opens a vehicle on the vehicle page (by terminal number or plate). */
  showVehicle(id: string): void;
}

const WorkspaceContext = createContext<Workspace | null>(null);

export function useWorkspace(): Workspace {
  const value = useContext(WorkspaceContext);
  if (value === null) throw new Error('useWorkspace outside a WorkspaceProvider');
  return value;
}

/** Toasts stay this long; errors longer, since they need reading. */
const TOAST_MS = 4_000;
const ERROR_TOAST_MS = 9_000;
const TOASTS_MAX = 4;

function treeOrder(units: OrgUnit[]): OrgUnit[] {
  const children = new Map<string | null, OrgUnit[]>();
  for (const unit of units) {
    const key = units.some((u) => u.code === unit.parent_code) ? unit.parent_code : null;
    children.set(key, [...(children.get(key) ?? []), unit]);
  }
  const out: OrgUnit[] = [];
  const walk = (parent: string | null) => {
    for (const unit of (children.get(parent) ?? []).sort((a, b) => a.code.localeCompare(b.code))) {
      out.push(unit);
      walk(unit.code);
    }
  };
  walk(null);
  return out;
}

export function WorkspaceProvider({
  api,
  lang,
  m,
  session,
  geoNames,
  onShowVehicle,
  children,
}: {
  api: ConsoleApi;
  lang: Lang;
  m: ConsoleMessages;
  session: LoginAnswer;
  geoNames: ReadonlyMap<string, string>;
  onShowVehicle: (id: string) => void;
  children: ReactNode;
}) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [abilities, setAbilities] = useState<ConsoleAbilities | null>(null);
  const [units, setUnits] = useState<OrgUnit[]>([]);
  const [enterprises, setEnterprises] = useState<ReadonlyMap<string, string>>(new Map());
  const departments = useRef(new Map<string, Promise<Department[]>>());
  const [departmentNames, setDepartmentNames] = useState<ReadonlyMap<string, string>>(new Map());
  const toastNo = useRef(0);

  useEffect(() => {
    let cancelled = false;
    api
      .get<ConsoleAbilities>('/api/me/abilities')
      .then((answer) => !cancelled && setAbilities(answer))
      .catch(() => undefined);
    api
      .get<{ enterprises: { id: string; name: string }[] }>('/api/enterprises')
      .then((answer) => !cancelled && setEnterprises(new Map(answer.enterprises.map((e) => [e.id, e.name]))))
      .catch(() => undefined);
    api
      .get<{ units: OrgUnit[] }>('/api/org-units')
      .then((answer) => !cancelled && setUnits(treeOrder(answer.units)))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [api]);

  const unitNames = useMemo(() => new Map(units.map((u) => [u.code, u.name])), [units]);
  const placeName = useCallback(
    (code: string) => unitNames.get(code) ?? geoNames.get(code) ?? code,
    [unitNames, geoNames],
  );
  const departmentsOf = useCallback(
    (orgCode: string) => {
      let known = departments.current.get(orgCode);
      if (!known) {
        known = api
          .get<{ departments: Department[] }>(`/api/org-units/${encodeURIComponent(orgCode)}/departments`)
          .then((answer) => {
            setDepartmentNames((previous) => {
              const next = new Map(previous);
              for (const d of answer.departments) if (!next.has(d.code)) next.set(d.code, d.name);
              return next;
            });
            return answer.departments;
          });
        known.catch(() => departments.current.delete(orgCode));
        departments.current.set(orgCode, known);
      }
      return known;
    },
    [api],
  );
  const departmentName = useCallback(
    (code: string) => departmentNames.get(code) ?? named(m.departmentNames, code),
    [departmentNames, m],
  );
  const enterpriseName = useCallback((id: string) => enterprises.get(id) ?? id, [enterprises]);
  const toast = useCallback((text: string, tone: Toast['tone'] = 'ok') => {
    const id = ++toastNo.current;
    setToasts((previous) => [...previous.slice(-(TOASTS_MAX - 1)), { id, text, tone }]);
    setTimeout(
      () => setToasts((previous) => previous.filter((t) => t.id !== id)),
      tone === 'error' ? ERROR_TOAST_MS : TOAST_MS,
    );
  }, []);
  const value = useMemo<Workspace>(
    () => ({
      api,
      lang,
      m,
      session,
      abilities,
      units,
      placeName,
      departmentName,
      enterpriseName,
      departmentsOf,
      toast,
      showVehicle: onShowVehicle,
    }),
    [
      api,
      lang,
      m,
      session,
      abilities,
      units,
      placeName,
      departmentName,
      enterpriseName,
      departmentsOf,
      toast,
      onShowVehicle,
    ],
  );
  return (
    <WorkspaceContext.Provider value={value}>
      {children}
      <div className="console-toasts" aria-live="polite" data-testid="toasts">
        {toasts.map((t) => (
          <div key={t.id} className={`console-toast toast-${t.tone}`} data-testid={`toast-${t.tone}`}>
            {t.text}
          </div>
        ))}
      </div>
    </WorkspaceContext.Provider>
  );
}
