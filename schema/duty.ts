/**
 * Duty at the command centres (docs/command-centre.md): the answers of `/api/duty/*` the server gives and the duty
 * console reads — the shifts of a roster, which posts are attended, and the 查岗 of one centre by another with
 * each centre's response rate. Times are epoch ms.
 */

/** A shift of a roster with its people and the caller's steps on it. */
export interface ShiftView {
  id: number;
  org_code: string;
  department: string;
  name: string;
  starts_at: number;
  ends_at: number;
  /** `planned` before it starts, `current` while it runs, `over` after. */
  phase: 'planned' | 'current' | 'over';
  /** `name`: the display name, else the username. */
  people: {
    user_id: number;
    username: string;
    name: string;
    post: 'officer' | 'leader';
    signed_in_at: number | null;
  }[];
  handover: { id: number; handed_at: number; acknowledged_at: number | null } | null;
  /** The steps the caller may take on the shift now (the console shows exactly these). */
  actions: ('sign_in' | 'hand_over')[];
}

/** Whether a centre's own post is attended now, shown to the level above. */
export interface DutyPostStatus {
  org_code: string;
  name: string;
  /** The shift of the centre's own post running now, if any. */
  shift: ShiftView | null;
  /** Nobody signed in to a running shift within the grace, or no shift at all. */
  attended: boolean;
  reason: 'no_shift' | 'not_signed_in' | null;
  leader_on_duty: string | null;
  officers_on_duty: string[];
}

/** A 查岗 inside the platform: a higher centre asks a lower one's post, whose officer answers before the deadline. */
export interface DutyInspectionView {
  id: number;
  from_org: string;
  to_org: string;
  to_name: string;
  mode: 'random' | 'targeted';
  question: string;
  sent_by: string;
  sent_at: number;
  deadline_at: number;
  /** `missed` once the deadline passed unanswered (also before the next sweep marks it). */
  status: 'sent' | 'answered' | 'missed';
  answered_by: string | null;
  answered_at: number | null;
  answer: string | null;
  /** Seconds from sending to the answer. */
  response_s: number | null;
  /** Whether the caller may answer it now. */
  can_answer: boolean;
}

/** A centre's 查岗 over a period: how many were answered, missed or pending, and how fast. */
export interface DutyInspectionRate {
  org_code: string;
  name: string;
  sent: number;
  answered: number;
  missed: number;
  /** Still open, deadline not passed. */
  pending: number;
  /** answered ÷ (answered + missed); null when none is decided. */
  response_rate: number | null;
  response_s_avg: number | null;
  response_s_max: number | null;
}
