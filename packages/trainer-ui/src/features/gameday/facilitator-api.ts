/** The facilitator console's calls, and the shapes they answer with (the simulator's own types). */
export type { ScheduleView, SessionSummary, TeamResult } from '@gameday/simulator';
export { apiWithToken } from '../../lib/api-client';
export type FacilitatorApi = ReturnType<typeof import('../../lib/api-client').apiWithToken>;
