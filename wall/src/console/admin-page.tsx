/**
 * The administration page (系统管理) of an administrator: the accounts of their subtree (用户), the source keys
 * of the ingestion kinds (数据源密钥, a province admin's) and the audit log (审计日志). The page offers what
 * `/api/me/abilities` says the caller may do; the server decides every answer and keeps each list to the
 * caller's subtree (docs/command-centre.md, 系统管理).
 */
import { useState } from 'react';
import { ADMIN_MESSAGES } from './admin-messages.js';
import { AdminAudit } from './admin-audit.js';
import { AdminKeys } from './admin-keys.js';
import { AdminUsers } from './admin-users.js';
import { useWorkspace } from './workspace-context.js';
import './admin.css';

type Section = 'users' | 'keys' | 'audit';

export function AdminPage() {
  const ws = useWorkspace();
  const a = ADMIN_MESSAGES[ws.lang];
  const [section, setSection] = useState<Section>('users');
  const sections: Section[] =
    ws.abilities?.manage_source_keys === true ? ['users', 'keys', 'audit'] : ['users', 'audit'];
  return (
    <div className="duty-page admin-page" data-testid="admin-page">
      <div className="console-segmented admin-sections" role="tablist">
        {sections.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={section === s}
            className={section === s ? 'segment-active' : ''}
            data-testid={`admin-section-${s}`}
            onClick={() => setSection(s)}
          >
            {a.sections[s]}
          </button>
        ))}
      </div>
      {section === 'users' ? <AdminUsers /> : null}
      {section === 'keys' ? <AdminKeys /> : null}
      {section === 'audit' ? <AdminAudit /> : null}
    </div>
  );
}
