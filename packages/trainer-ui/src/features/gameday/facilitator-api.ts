/** The facilitator console's calls and the shapes they answer with (see game-day-routes.ts). */
import { apiWithToken } from '../../lib/api-client';

export interface SessionSummary {
  code: string;
  title: string;
  team: string;
  status: 'open' | 'running' | 'paused' | 'ended';
  scenario: string;
  requested: string;
  difficulty: string;
  seed: number;
  speed: number;
  faults: string[];
  phase: string;
  expectedSeverity: string;
  simTime: string;
  url: string | null;
  joinUrl: string;
  participants: Array<{ name: string; role: string; joinedAt: string }>;
  hints: Array<{ text: string; at: string }>;
  drillId: string | null;
  score: number | null;
  announcement: { ok: boolean; status?: number; error?: string } | null;
}

export interface ScheduleView {
  id: string;
  name: string;
  cron: string;
  timezone: string;
  windowMinutes: number;
  scenario: string;
  difficulty: string;
  team: string;
  nextAt: string | null;
  opensAt: string | null;
}

export interface TeamResult {
  score: { total: number; max: number; dimensions: Array<{ id: string; label: string; points: number; max: number }> };
  teamPoints: number;
  participants: Array<{ name: string; role: string; points: number; commands: number; credits: Array<{ what: string; points: number }> }>;
}

export type FacilitatorApi = ReturnType<typeof apiWithToken>;
export { apiWithToken };
