/**
 * Market supervision's registration of an enterprise on the credit page: a badge in the list (red for 吊销 revoked
 * and 注销 cancelled, with the date), and the whole record with the transport licence in the detail. What the
 * register says is shown as it came (`status_text`) beside Vigil's state, with where it came from.
 */
import type { EnterpriseRegistration } from '../../../schema/credit.js';
import { shanghaiDate } from '../i18n/shanghai-time.js';
import type { CreditMessages } from './credit-messages.js';

/** An enterprise that no longer lawfully exists as a business: its vehicles must not operate. */
export function isRevoked(registration: EnterpriseRegistration | null): boolean {
  return registration !== null && (registration.status === 'revoked' || registration.status === 'cancelled');
}

export function RegistrationBadge({
  c,
  registration,
}: {
  c: CreditMessages;
  registration: EnterpriseRegistration | null;
}) {
  if (registration === null)
    return (
      <span className="market-none" data-testid="registration-badge" data-status="">
        {c.registrationNone}
      </span>
    );
  const revoked = isRevoked(registration);
  const state = c.registrationStates[registration.status] ?? registration.status;
  return (
    <span data-testid="registration-badge" data-status={registration.status} title={registration.status_text}>
      <span className={`market-badge market-badge-${revoked ? 'revoked' : registration.status}`}>{state}</span>
      {revoked && registration.status_changed_on !== null ? (
        <span className="market-date">{c.registrationOn(shanghaiDate(registration.status_changed_on))}</span>
      ) : null}
    </span>
  );
}

export function RegistrationDetail({
  c,
  licenceNo,
  registration,
  placeName,
}: {
  c: CreditMessages;
  licenceNo: string;
  registration: EnterpriseRegistration | null;
  placeName: (code: string) => string;
}) {
  const revoked = isRevoked(registration);
  return (
    <div className={`market-detail${revoked ? ' market-detail-revoked' : ''}`} data-testid="registration-detail">
      <h4>{c.registrationTitle}</h4>
      {revoked && registration !== null ? (
        <p className="market-warning" role="alert">
          {c.registrationWarning(c.registrationStates[registration.status] ?? registration.status)}
        </p>
      ) : null}
      <dl>
        <dt>{c.registrationStatus}</dt>
        <dd>
          <RegistrationBadge c={c} registration={registration} />
          {registration !== null && registration.status_text !== '' ? (
            <span className="market-text">{registration.status_text}</span>
          ) : null}
        </dd>
        {registration === null ? null : (
          <>
            <dt>{c.registrationDate}</dt>
            <dd data-testid="registration-date">
              {registration.status_changed_on === null ? '—' : shanghaiDate(registration.status_changed_on)}
            </dd>
            <dt>{c.registrationAuthority}</dt>
            <dd>{registration.authority === '' ? '—' : registration.authority}</dd>
            <dt>{c.registrationListed}</dt>
            <dd>{registration.licence_numbers.length === 0 ? '—' : registration.licence_numbers.join('；')}</dd>
            <dt>{c.registrationSource}</dt>
            <dd data-testid="registration-source">
              {c.registrationSourceText(registration.source, placeName)} · {shanghaiDate(registration.updated_at)}
            </dd>
          </>
        )}
        <dt>{c.transportLicence}</dt>
        <dd data-testid="transport-licence">{licenceNo === '' ? '—' : licenceNo}</dd>
      </dl>
    </div>
  );
}
