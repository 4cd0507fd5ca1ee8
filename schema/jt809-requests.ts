/**
 * The requests the province sends a lower platform over JT/T 809 (docs/command-centre.md): the answers of
 * `/api/jt809/platforms/:code/inspections` (查岗, 0x9301 → 0x1301) and `/supervisions` (督办, 0x9401 → 0x1401),
 * shared by the server and the console's 下级平台 page. Times are ISO 8601 text.
 */

/** A 查岗 sent to a platform, with its answer once it came. */
export interface Jt809InspectionView {
  id: number;
  access_code: number;
  info_id: number;
  object_type: number;
  object_id: string;
  question: string;
  sent_by: string;
  sent_at: string;
  link: string;
  deadline_at: string;
  status: 'sent' | 'answered' | 'unanswered';
  answered_at: string | null;
  answer: string | null;
  answered_by: string | null;
}

/** A 督办 of an alarm sent to a platform, with the platform's result once it came. */
export interface Jt809SupervisionView {
  id: number;
  access_code: number;
  supervision_id: number;
  alarm_id: string | null;
  plate: string;
  plate_color: number;
  warn_src: number;
  warn_type: number;
  warn_time: string;
  level: 'urgent' | 'ordinary';
  supervisor: string;
  supervisor_tel: string;
  supervisor_email: string;
  sent_at: string;
  link: string;
  deadline_at: string;
  status: 'sent' | 'answered' | 'overdue';
  /** 0 handled, 1 handling, 2 not handled, 3 will handle. */
  result: number | null;
  answered_at: string | null;
}
