/** The facilitator console's calls, and the shapes they answer with (the simulator's own types). */
import { apiWithToken } from '../../lib/api-client';

export type { ScheduleView, SessionSummary, TeamResult } from '@gameday/simulator';
export { apiWithToken };
export type FacilitatorApi = ReturnType<typeof apiWithToken>;
