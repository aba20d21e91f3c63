import { appliedFraming } from '../framing/view-framing';
import { useApp } from '../state/store';
import { ThroughputStore } from './throughput-store';
import { ValueChartStore } from './value-charts';

// The page's chart stores, tied to the app store: sessions and encodings come from it, stats reports go
// from it to the throughput trackers, and charts go away with their sessions. The stores themselves know
// nothing of the app, so tests run them in plain Node.

export const valueCharts = new ValueChartStore({
  exists: (sessionId) => sessionId in useApp.getState().sessions,
  encoding: (sessionId) => useApp.getState().views[sessionId]?.receiveEncoding ?? 'utf-8',
  // The framing the session's log view shows: charts take the messages a person sees there.
  framing: (sessionId) => {
    const state = useApp.getState();
    return appliedFraming(sessionId, state.views[sessionId]?.framing, state.sessions[sessionId]).framing;
  },
});

export const throughputStore = new ThroughputStore();

throughputStore.take(useApp.getState().stats);
useApp.subscribe((state, previous) => {
  if (state.stats !== previous.stats) throughputStore.take(state.stats);
  if (state.sessions !== previous.sessions) valueCharts.sessionsChanged();
});
